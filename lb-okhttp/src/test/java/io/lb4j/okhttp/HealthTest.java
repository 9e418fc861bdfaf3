package io.lb4j.okhttp;

import io.lb4j.api.HealthState;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.internal.PoolInternals;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Passive and active health as seen through the interceptor, with real servers on loopback. */
class HealthTest extends InterceptorTestBase {

    @Test
    void serverAnswering503IsEjectedAndTrafficMovesWithoutTheCallerSeeingIt() {
        List<Backend> backends = backends("a", "b", "c");
        backends.get(1).answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends); // max_fails=1 fail_timeout=10s
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();

        List<String> results = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            results.add(call(client, get("http://orders/items")));
        }

        assertThat(results).allMatch(r -> r.equals("200 a") || r.equals("200 c"));
        assertThat(orders.state("b")).isEqualTo(HealthState.EJECTED);
        assertThat(backends.get(1).hits.get()).isEqualTo(1);
        assertThat(orders.stats("b").failures()).isEqualTo(1);
    }

    @Test
    void serverShutDownMidTestIsEjectedAndItsRequestsSucceedElsewhere() {
        List<Backend> backends = backends("a", "b", "c");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();
        for (int i = 0; i < 9; i++) {
            call(client, get("http://orders/items"));
        }
        assertThat(backends.get(1).hits.get()).isEqualTo(3);

        backends.get(1).close();
        List<String> results = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            results.add(call(client, get("http://orders/items"))); // throws on any failed call
        }

        assertThat(results).hasSize(30).allMatch(r -> r.equals("200 a") || r.equals("200 c"));
        assertThat(orders.state("b")).isEqualTo(HealthState.EJECTED);
        assertThat(orders.stats("b").failures()).isEqualTo(1);
        assertThat(backends.get(0).hits.get() + backends.get(2).hits.get()).isEqualTo(6 + 30);
    }

    @Test
    void recoveredServerIsReadmittedByTheHttpHealthCheckWithSlowStart() {
        List<Backend> backends = backends("a", "b");
        Backend b = backends.get(1);
        PoolConfig config = PoolConfig.custom()
                .passiveHealth(PassiveHealth.disabled())
                .activeHealth(ActiveHealth.custom(HttpHealthCheck.custom().path("/health").build())
                        .rise(1).fall(1).timeout(Duration.ofSeconds(2)).build())
                .slowStart(Duration.ofSeconds(10))
                .build();
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), config, backends);
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();

        b.healthStatus = 503;
        PoolInternals.checkHealthNow(orders);
        HealthState whileSick = orders.state("b");
        for (int i = 0; i < 6; i++) {
            assertThat(call(client, get("http://orders/items"))).isEqualTo("200 a");
        }
        b.healthStatus = 200;
        PoolInternals.checkHealthNow(orders);
        HealthState recovered = orders.state("b");
        double atStart = orders.stats("b").weight();
        ticker.advance(Duration.ofSeconds(5));
        double halfway = orders.stats("b").weight();
        ticker.advance(Duration.ofSeconds(5));
        double full = orders.stats("b").weight();
        for (int i = 0; i < 4; i++) {
            call(client, get("http://orders/items"));
        }

        assertThat(whileSick).isEqualTo(HealthState.EJECTED);
        assertThat(recovered).isEqualTo(HealthState.UP);
        assertThat(atStart).isCloseTo(0.1, within(1e-9));   // PoolConfig's 10% minimum weight
        assertThat(halfway).isCloseTo(0.5, within(1e-9));   // linear ramp
        assertThat(full).isCloseTo(1.0, within(1e-9));
        assertThat(b.hits.get()).isEqualTo(2);               // back in the rotation
    }
}
