package io.lb4j.okhttp;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad configuration fails when the interceptor is built, naming the property. */
class ConfigurationTest {
    private final Pool orders = LoadBalancingPool.builder("orders").strategy(TestStrategies.rotation())
            .ticker(new ManualTicker()).server(Server.of("127.0.0.1", 1)).build();
    private final Pool other = LoadBalancingPool.builder("other").strategy(TestStrategies.rotation())
            .ticker(new ManualTicker()).server(Server.of("127.0.0.1", 2)).build();

    @AfterEach
    void close() {
        orders.close();
        other.close();
    }

    @Test
    void duplicateLogicalNameIsRejected() {
        LoadBalancingInterceptorBuilder b = LoadBalancingInterceptor.builder().pool("orders", orders);
        assertThatThrownBy(() -> b.pool("ORDERS", other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logicalHost 'orders' is already mapped").hasMessageContaining("pool 'orders'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "orders_api", "orders api", "-orders", "orders-", "a..b", "10.0.0.1", "orders.", "ördérs",
            "http://orders", "orders:8080"})
    void logicalNameThatIsNotAValidHostNameIsRejected(String name) {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().pool(name, orders))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("logicalHost must be a valid host name")
                .hasMessageContaining("'" + name + "'");
    }

    @Test
    void nullLogicalNameIsRejected() {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().pool(null, orders))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("logicalHost must not be null");
    }

    @Test
    void validLogicalNamesAreAcceptedCaseInsensitively() {
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("Orders", orders)
                .pool("orders-v2.svc.cluster.local", other).build();
        assertThat(lb.logicalHosts()).containsExactly("orders", "orders-v2.svc.cluster.local");
    }

    @Test
    void nullPoolIsRejected() {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().pool("orders", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("pool must not be null");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101})
    void maxTriesOutOfRangeIsRejected(int tries) {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().maxTries(tries))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTries must be in [1, 100], was " + tries);
    }

    @Test
    void negativeRetryBudgetIsRejected() {
        assertThatThrownBy(() -> RetryBudgetConfig.custom().percentCanRetry(-0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentCanRetry must be in [0.0, 10.0], was -0.1");
        assertThatThrownBy(() -> RetryBudgetConfig.custom().percentCanRetry(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("percentCanRetry");
        assertThatThrownBy(() -> RetryBudgetConfig.custom().minRetriesPerSecond(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minRetriesPerSecond must be in [0, 1000000], was -1");
        assertThatThrownBy(() -> RetryBudgetConfig.custom().ttl(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ttl must be in [PT1S, PT1M]");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().retryBudget(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retryBudget must not be null");
    }

    @Test
    void routeThatAnEarlierRouteShadowsIsRejected() {
        LoadBalancingInterceptorBuilder b = LoadBalancingInterceptor.builder().route("www", "/", orders);
        assertThatThrownBy(() -> b.route("www", "/static/", other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("route www/static/ -> pool 'other' is unreachable")
                .hasMessageContaining("earlier route www/");
    }

    @Test
    void duplicatePathPrefixOfAHostIsRejected() {
        LoadBalancingInterceptorBuilder b = LoadBalancingInterceptor.builder().route("www", "/api/", orders);
        assertThatThrownBy(() -> b.route("www", "/api/", other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logicalHost 'www' is already mapped for path prefix '/api/'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "static/", "/a b", "/a?x=1", "/a#frag"})
    void invalidPathPrefixIsRejected(String prefix) {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().route("www", prefix, orders))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("pathPrefix must start with '/'");
    }

    @Test
    void statusOutsideHttpRangeIsRejected() {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().retryStatuses(List.of(503, 700)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryStatuses must contain HTTP statuses in [100, 599], had 700 in [503, 700]");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().failureStatuses(List.of(99)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("failureStatuses must contain");
    }

    @Test
    void interceptorWithoutRoutesIsRejected() {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("routes must not be empty");
    }

    @Test
    void badStickySettingsAreRejected() {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().stickyCookie("SRV ID"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("stickyCookie must be");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().stickySecret(new byte[15]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stickySecret must be at least 16 bytes, was 15 bytes");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().pool("orders", orders).stickySecret(new byte[16]).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stickySecret is set but stickyCookie is not");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().hashKeyHeader("X User"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("hashKeyHeader must be");
    }

    @Test
    void defaultsAreNginxLike() {
        assertThat(LoadBalancingInterceptor.DEFAULT_MAX_TRIES).isEqualTo(3);
        assertThat(LoadBalancingInterceptor.DEFAULT_RETRY_STATUSES).isEqualTo(Set.of(502, 503, 504));
        assertThat(LoadBalancingInterceptor.DEFAULT_FAILURE_STATUSES).contains(500, 502, 503, 504, 599)
                .doesNotContain(501, 429, 404).hasSize(99);
        assertThat(RetryBudgetConfig.ofDefaults().percentCanRetry()).isEqualTo(0.2);
    }

    @Test
    void retryBudgetOfAPoolThatIsNotRoutedIsRejected() {
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).build();
        assertThat(lb.retryBudget(orders)).isNotNull();
        assertThatThrownBy(() -> lb.retryBudget(other))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("pool 'other' is not routed by this interceptor");
    }
}
