package io.lb4j.pool;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolViewTest {

    @Test
    void readsTheLivePool() {
        try (LoadBalancingPool pool = LoadBalancingPool.builder("p").strategy(new RoundRobin()).ticker(new ManualTicker())
                .server(server("a")).server(server("b")).build()) {
            PoolView view = PoolView.of(pool);
            pool.markDown("a");
            pool.acquire().success(5);
            assertThat(view.name()).isEqualTo("p");
            assertThat(view.state("a")).isEqualTo(HealthState.DOWN);
            assertThat(view.stats("b").successes()).isEqualTo(1);
            assertThat(view.eligible()).extracting(e -> e.server().id()).containsExactly("b");
            assertThat(view.servers()).hasSize(2);
            assertThat(view.strategy().name()).isEqualTo(pool.strategy().name());
        }
    }

    @Test
    void offersNoWayToChangePickOrClose() {
        assertThat(Arrays.stream(PoolView.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).distinct().sorted())
                .containsExactly("config", "eligible", "name", "panicking", "server", "servers", "state", "stats",
                        "strategy", "toString");
        assertThat(AutoCloseable.class.isAssignableFrom(PoolView.class)).isFalse();
    }

    @Test
    void aNullPoolIsRefused() {
        assertThatThrownBy(() -> PoolView.of(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool");
    }
}
