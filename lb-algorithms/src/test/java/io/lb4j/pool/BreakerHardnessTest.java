package io.lb4j.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

class BreakerHardnessTest {

    /**
     * A breaker opened by refused connections is a hard ejection, but "hard" is re-read from the *last* error:
     * a request that was in flight when the server died and ends with a reset after the breaker opened turns
     * the dead server into an outlier, and the cap puts it back in rotation.
     */
    @Test
    void aLateNonConnectFailureDoesNotTurnADeadServerIntoACappedOutlier() {
        ManualTicker ticker = new ManualTicker();
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30)).build();
        LoadBalancingPool p = pool(ticker, PoolConfig.custom().passiveHealth(CircuitBreakerHealth.of(cb)).build(),
                server("a"), server("b"), server("c")).build();
        List<Lease> onA = new ArrayList<>();
        List<Lease> onB = new ArrayList<>();
        for (int i = 0; onA.size() < 3 || onB.size() < 3; i++) {
            Lease l = p.acquire();
            String id = l.server().id();
            if (id.equals("a") && onA.size() < 3) onA.add(l);
            else if (id.equals("b") && onB.size() < 3) onB.add(l);
            else l.success(1_000_000L);
        }
        // a and b die: two calls each are refused -> breakers open, hard
        for (List<Lease> ls : List.of(onA, onB)) {
            ls.get(0).failure(new ConnectException("refused"));
            ls.get(1).failure(new ConnectException("refused"));
        }
        assertThat(p.eligible()).extracting(e -> e.server().id()).containsExactly("c");
        // the requests that were in flight when they died now end with a reset
        onA.get(2).failure(new IOException("Connection reset"));
        onB.get(2).failure(new IOException("Connection reset"));
        p.setWeight("c", 2); // any republish
        assertThat(p.eligible()).extracting(e -> e.server().id()).containsExactly("c");
    }

    /**
     * Two servers whose breakers open on resets (outliers): the 50% cap keeps the second in rotation. When its
     * next call cannot connect, it is down, so it is out whatever the cap, as with nginx passive health.
     */
    @Test
    void anOutlierBreakerHeldBackByTheCapIsOutAtItsFirstRefusedConnection() {
        ManualTicker ticker = new ManualTicker();
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30)).build();
        LoadBalancingPool p = pool(ticker, PoolConfig.custom().passiveHealth(CircuitBreakerHealth.of(cb)).build(),
                server("a"), server("b"), server("c")).build();
        for (String id : List.of("a", "a", "b", "b")) {
            failNextCallOn(p, id, new IOException("Connection reset"));
        }
        assertThat(p.eligible()).extracting(e -> e.server().id()).as("the cap holds one outlier back")
                .hasSize(2).contains("c");
        String heldBack = p.eligible().stream().map(e -> e.server().id()).filter(id -> !id.equals("c"))
                .findFirst().orElseThrow();

        failNextCallOn(p, heldBack, new ConnectException("Connection refused"));

        assertThat(p.eligible()).extracting(e -> e.server().id()).containsExactly("c");
        assertThat(p.state(heldBack)).isEqualTo(io.lb4j.api.HealthState.EJECTED);
    }

    /** Completes picks with success until one lands on {@code id}, which fails with {@code cause}. */
    private static void failNextCallOn(LoadBalancingPool pool, String id, Exception cause) {
        for (int guard = 0; guard < 1000; guard++) {
            Lease lease = pool.acquire();
            if (lease.server().id().equals(id)) {
                lease.failure(cause);
                return;
            }
            lease.success(1_000_000L);
        }
        throw new AssertionError("no pick landed on " + id);
    }
}
