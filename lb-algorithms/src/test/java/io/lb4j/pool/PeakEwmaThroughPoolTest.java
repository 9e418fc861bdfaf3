package io.lb4j.pool;

import io.lb4j.algorithms.PeakEwma;
import io.lb4j.algorithms.PeakEwmaConfig;
import io.lb4j.algorithms.Randoms;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peak EWMA end to end: the pool measures latency on its ticker, the strategy reads it. Simulated time:
 * one request per millisecond, each answered after its server's latency.
 */
class PeakEwmaThroughPoolTest {

    @Test
    void aServerWhoseLatencyRisesTenfoldGetsUnderTenPercentOncePeakEwmaCaughtUp() {
        ManualTicker ticker = new ManualTicker();
        LoadBalancingPool pool = LoadBalancingPool.builder("ewma").ticker(ticker).scheduleHealthChecks(false)
                .strategy(new PeakEwma(PeakEwmaConfig.ofDefaults(), Randoms.seeded(7)))
                .config(PoolConfig.custom().latencyDecay(Duration.ofSeconds(10)).build())
                .server(server("a")).server(server("b")).server(server("c")).build();
        Map<String, Long> latencyMillis = new HashMap<>(Map.of("a", 10L, "b", 10L, "c", 10L));

        run(pool, ticker, latencyMillis, 5_000); // warm up: everyone at 10 ms
        latencyMillis.put("a", 100L);
        run(pool, ticker, latencyMillis, 5_000); // catch up
        Map<String, Integer> after = run(pool, ticker, latencyMillis, 20_000);

        double shareOfA = after.getOrDefault("a", 0) / 20_000.0;
        assertThat(shareOfA).isLessThan(0.10); // the bound
        assertThat(after.getOrDefault("a", 0)).isPositive(); // still probed now and then as its peak decays
    }

    private static Map<String, Integer> run(LoadBalancingPool pool, ManualTicker ticker, Map<String, Long> latencyMillis,
                                            int requests) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            Lease lease = pool.acquire();
            String id = lease.server().id();
            counts.merge(id, 1, Integer::sum);
            ticker.advanceMillis(1);
            lease.success(Duration.ofMillis(latencyMillis.get(id)).toNanos());
        }
        return counts;
    }
}
