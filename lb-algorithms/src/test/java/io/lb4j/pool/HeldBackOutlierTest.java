package io.lb4j.pool;

import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;

import static io.lb4j.pool.PoolFixture.pickCounts;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers killed at once while calls are in flight: both first fail with a reset (outliers), the ejection cap
 * (50%) holds the second back, and its next calls cannot connect. A server that cannot be connected to is
 * down whatever the cap, so the refused connection takes it out at once (nginx passive health).
 */
class HeldBackOutlierTest {
    private final ManualTicker ticker = new ManualTicker();

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

    private LoadBalancingPool threeServers() {
        return PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b"), server("c")).build();
    }

    @Test
    void anOutlierHeldBackByTheCapIsOutAtItsFirstRefusedConnection() {
        LoadBalancingPool pool = threeServers();
        failNextCallOn(pool, "a", new SocketException("Connection reset"));
        failNextCallOn(pool, "b", new SocketException("Connection reset"));
        HealthState heldBack = pool.state("b");

        failNextCallOn(pool, "b", new ConnectException("Connection refused"));

        assertThat(heldBack).isEqualTo(HealthState.UP); // maxEjectionPercent 50: a is the one outlier allowed out
        assertThat(pool.state("b")).isEqualTo(HealthState.EJECTED);
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pickCounts(pool, 10)).containsOnlyKeys("c");
    }

    @Test
    void anOutlierHeldBackByTheCapThatStillAnswersStaysIn() {
        LoadBalancingPool pool = threeServers();
        failNextCallOn(pool, "a", new SocketException("Connection reset"));
        failNextCallOn(pool, "b", new SocketException("Connection reset"));

        failNextCallOn(pool, "b", new IOException("unexpected end of stream"));

        assertThat(pool.state("b")).isEqualTo(HealthState.UP);
        assertThat(pickCounts(pool, 10)).containsOnlyKeys("b", "c");
    }

    @Test
    void theRefusedOutlierIsTriedAgainAfterFailTimeoutFromTheRefusal() {
        LoadBalancingPool pool = threeServers();
        failNextCallOn(pool, "a", new SocketException("Connection reset"));
        failNextCallOn(pool, "b", new SocketException("Connection reset"));
        ticker.advance(Duration.ofSeconds(5));
        failNextCallOn(pool, "b", new ConnectException("Connection refused"));

        ticker.advance(Duration.ofSeconds(9));
        HealthState nineSecondsAfterRefusal = pool.state("b");
        ticker.advance(Duration.ofSeconds(2));

        assertThat(nineSecondsAfterRefusal).isEqualTo(HealthState.EJECTED);
        assertThat(pool.state("b")).isEqualTo(HealthState.UP); // fail_timeout=10s from the refusal: one trial
    }
}
