package io.lb4j.pool;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.Endpoint;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Outcome;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutcomeObserverTest {
    private final ManualTicker ticker = new ManualTicker();

    /** Records what it sees, as strings. */
    private static final class Recording implements OutcomeObserver {
        final List<String> seen = new ArrayList<>();

        @Override
        public void onOutcome(Endpoint endpoint, Outcome outcome, long latencyNanos) {
            seen.add(endpoint.server().id() + " " + outcome + " " + latencyNanos);
        }

        @Override
        public void onNoServer(NoAvailableServerException.Reason reason) {
            seen.add("none " + reason);
        }

        @Override
        public void onClose() {
            seen.add("closed");
        }
    }

    @Test
    void seesEveryOutcomeWithItsLatencyThenNoServerThenClose() {
        Recording r = new Recording();
        LoadBalancingPool pool = LoadBalancingPool.builder("p").strategy(new RoundRobin()).ticker(ticker)
                .server(server("a")).observer(p -> r).build();
        pool.acquire().success(7);
        var lease = pool.acquire();
        ticker.advance(java.time.Duration.ofNanos(40));
        lease.failure(new IOException("x"));
        pool.acquire().drop();
        pool.markDown("a");
        assertThatThrownBy(pool::acquire).isInstanceOf(NoAvailableServerException.class);
        pool.close();
        pool.close();
        assertThat(r.seen).containsExactly("a SUCCESS 7", "a FAILURE 40", "a DROPPED 0", "none NONE_AVAILABLE", "closed");
    }

    @Test
    void anObserverThatThrowsNeverBreaksThePool() {
        OutcomeObserver throwing = new OutcomeObserver() {
            @Override
            public void onOutcome(Endpoint endpoint, Outcome outcome, long latencyNanos) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void onNoServer(NoAvailableServerException.Reason reason) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void onClose() {
                throw new IllegalStateException("observer bug");
            }
        };
        LoadBalancingPool pool = LoadBalancingPool.builder("p").strategy(new RoundRobin()).ticker(ticker)
                .server(server("a")).observer(p -> throwing).build();
        pool.acquire().success(7);
        pool.acquire().failure(new IOException("x"), 9);
        assertThat(pool.stats("a").successes()).isEqualTo(1);
        assertThat(pool.stats("a").failures()).isEqualTo(1);
        assertThat(pool.stats("a").inFlight()).isZero();
        pool.markDown("a");
        assertThatThrownBy(pool::acquire).isInstanceOf(NoAvailableServerException.class)
                .hasMessageContaining("pool 'p'");
        pool.close();
    }

    @Test
    void aFactoryThatReturnsNullIsRefused() {
        assertThatThrownBy(() -> LoadBalancingPool.builder("p").strategy(new RoundRobin()).server(server("a"))
                .observer(p -> null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("observer");
    }
}
