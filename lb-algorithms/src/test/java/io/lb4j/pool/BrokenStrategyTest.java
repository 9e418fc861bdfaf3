package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthState;
import io.lb4j.api.Picker;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A custom strategy that breaks the {@link Strategy} contract gets a clear {@link IllegalStateException}
 * naming the pool and the strategy, never a {@link NullPointerException} or {@link ClassCastException},
 * and the pool stays usable once the strategy behaves.
 */
class BrokenStrategyTest {
    private static final List<Server> SERVERS = List.of(Server.of("127.0.0.1", 9), Server.of("127.0.0.1", 10));

    @Test
    void aStrategyReturningNoPickerIsNamed() {
        assertThatThrownBy(() -> LoadBalancingPool.builder("p").strategy(strategy("none", e -> null)).servers(SERVERS)
                .build()).isExactlyInstanceOf(IllegalStateException.class).hasMessageContaining("strategy none");
    }

    @Test
    void aPickerReturningNullIsNamed() {
        LoadBalancingPool pool = LoadBalancingPool.builder("p").strategy(strategy("nulls", e -> ctx -> null))
                .servers(SERVERS).build();
        assertThatThrownBy(pool::acquire).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("pool 'p': strategy nulls's picker returned null; a picker must return one of the"
                        + " endpoints given to newPicker");
    }

    @Test
    void aPickerReturningAForeignEndpointIsNamed() {
        LoadBalancingPool pool = LoadBalancingPool.builder("p").strategy(strategy("foreign", e -> ctx -> new Foreign()))
                .servers(SERVERS).build();
        assertThatThrownBy(pool::acquire).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("strategy foreign's picker returned an endpoint that is not one of the pool's ("
                        + Foreign.class.getName() + ")");
    }

    @Test
    void aBrokenPickLeavesNothingInFlight() {
        boolean[] broken = {true};
        LoadBalancingPool pool = LoadBalancingPool.builder("p")
                .strategy(strategy("flaky", e -> ctx -> broken[0] ? null : e.get(0))).servers(SERVERS).build();
        assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class);
        broken[0] = false;
        pool.acquire().success();
        assertThat(pool.stats()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }

    private static Strategy strategy(String name, Function<List<Endpoint>, Picker> pickers) {
        return new Strategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Picker newPicker(List<Endpoint> endpoints) {
                return pickers.apply(endpoints);
            }
        };
    }

    private static final class Foreign implements Endpoint {
        @Override
        public Server server() {
            return SERVERS.get(0);
        }

        @Override
        public double weight() {
            return 1;
        }

        @Override
        public int inFlight() {
            return 0;
        }

        @Override
        public double latencyNanos() {
            return 0;
        }

        @Override
        public boolean hasLatencySample() {
            return false;
        }

        @Override
        public HealthState state() {
            return HealthState.UP;
        }
    }
}
