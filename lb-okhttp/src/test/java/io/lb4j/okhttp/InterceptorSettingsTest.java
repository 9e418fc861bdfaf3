package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks across settings {@link InterceptorSettings#validate()} makes when an interceptor is built. */
class InterceptorSettingsTest extends InterceptorTestBase {
    private LoadBalancingPool onePool() {
        return pool("svc", TestStrategies.first(), PoolConfig.ofDefaults(), List.of(backend("a")));
    }

    @Test
    void startsAtTheInterceptorsDefaults() {
        InterceptorSettings s = new InterceptorSettings();

        assertThat(s.maxTries).isEqualTo(LoadBalancingInterceptor.DEFAULT_MAX_TRIES);
        assertThat(s.maxRequeues).isEqualTo(LoadBalancingInterceptor.DEFAULT_MAX_REQUEUES);
        assertThat(s.retryStatuses).isEqualTo(LoadBalancingInterceptor.DEFAULT_RETRY_STATUSES);
        assertThat(s.failureStatuses).isEqualTo(LoadBalancingInterceptor.DEFAULT_FAILURE_STATUSES);
        assertThat(s.retryOnTimeout).isTrue();
        assertThat(s.stickyCookie).isNull();
        assertThat(s.hedgeCallFactory).isNull();
    }

    @Test
    void settingsWithoutARouteAreRefusedNamingRoutes() {
        assertThatThrownBy(() -> new InterceptorSettings().validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("routes must not be empty");
    }

    @Test
    void aHedgingRouteWithoutAHedgeCallFactoryIsRefused() {
        InterceptorSettings s = new InterceptorSettings();
        s.routes.add("svc", "/", onePool(), RouteOptions.custom()
                .hedging(HedgingConfig.custom().delay(Duration.ofMillis(100)).build()).build());

        assertThatThrownBy(s::validate).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hedgeCallFactory is not set");

        s.hedgeCallFactory = new OkHttpClient();
        assertThatCode(s::validate).doesNotThrowAnyException();
    }

    @Test
    void aStickySecretWithoutAStickyCookieIsRefused() {
        InterceptorSettings s = new InterceptorSettings();
        s.routes.add("svc", "/", onePool());
        s.stickySecret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(s::validate).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stickySecret is set but stickyCookie is not")
                .hasMessageNotContaining("0123456789abcdef");

        s.stickyCookie = "lb";
        assertThatCode(s::validate).doesNotThrowAnyException();
    }
}
