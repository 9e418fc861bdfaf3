package io.lb4j.pool;

import io.lb4j.algorithms.LeastRequest;
import io.lb4j.algorithms.PeakEwma;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that fails fast must not attract traffic in latency- and load-aware strategies, even with
 * passive health off (the pitfall ingress-nginx and brpc fixed by charging failures).
 */
class FailurePenaltyTest {
    private final ManualTicker ticker = new ManualTicker();

    /**
     * Four servers, 8 requests kept in flight; "bad" fails after 1 ms, the others answer in 10 ms.
     * Returns bad's share of 20,000 picks.
     */
    private double badShare(Strategy strategy, PoolConfig config) {
        LoadBalancingPool pool = LoadBalancingPool.builder("penalty").strategy(strategy).ticker(ticker)
                .config(config).server(server("bad")).server(server("b")).server(server("c")).server(server("d")).build();
        Deque<Lease> open = new ArrayDeque<>();
        Map<String, Integer> picks = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            Lease lease = pool.acquire();
            picks.merge(lease.server().id(), 1, Integer::sum);
            if (lease.server().id().equals("bad")) {
                ticker.advance(Duration.ofMillis(1));
                lease.failure(new IOException("HTTP 500"), Duration.ofMillis(1).toNanos());
            } else {
                open.add(lease);
            }
            if (open.size() >= 8) {
                ticker.advance(Duration.ofMillis(1 + random.nextInt(2)));
                open.poll().success(Duration.ofMillis(8 + random.nextInt(5)).toNanos());
            }
        }
        return picks.getOrDefault("bad", 0) / 20_000.0;
    }

    private static PoolConfig noPassive() {
        return PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    }

    @Test
    void peakEwmaGivesAFastFailingServerLessThanItsFairShare() {
        double share = badShare(new PeakEwma(io.lb4j.algorithms.PeakEwmaConfig.ofDefaults(), new SplittableRandom(1)), noPassive());
        assertThat(share).isLessThan(0.25 / 2); // fair share 25%; tolerance: under half of it
    }

    @Test
    void leastRequestGivesAFastFailingServerLessThanItsFairShare() {
        double share = badShare(new LeastRequest(new SplittableRandom(1)), noPassive());
        assertThat(share).isLessThan(0.25 / 2);
    }

    @Test
    void aConfiguredPenaltyIsChargedAtLeast() {
        LoadBalancingPool pool = PoolFixture.pool(ticker, PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .failurePenalty(Duration.ofSeconds(2)).build(), server("a")).build();
        pool.acquire().failure(new IOException("x"), 1_000);
        assertThat(pool.stats("a").latencyNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void theDefaultPenaltyIsTwiceTheSlowestEstimate() {
        LoadBalancingPool pool = PoolFixture.pool(ticker, noPassive(), server("a"), server("b")).build();
        Lease first = pool.acquire();
        first.success(Duration.ofMillis(30).toNanos());
        Lease second = pool.acquire();
        second.failure(new IOException("x"), 1_000);
        assertThat(pool.stats(second.server().id()).latencyNanos()).isEqualTo(Duration.ofMillis(60).toNanos());
    }
}
