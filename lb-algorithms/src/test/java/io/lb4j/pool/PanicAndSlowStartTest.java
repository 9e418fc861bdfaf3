package io.lb4j.pool;

import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.lb4j.pool.PoolFixture.backup;
import static io.lb4j.pool.PoolFixture.failOn;
import static io.lb4j.pool.PoolFixture.pickCounts;
import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PanicAndSlowStartTest {
    private final ManualTicker ticker = new ManualTicker();

    private static PoolConfig.Builder oneFailEjects() {
        return PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(30))).maxEjectionPercent(100);
    }

    @Test
    void belowThePanicThresholdEveryPrimaryIsBalancedOver() {
        LoadBalancingPool p = pool(ticker, oneFailEjects().panicThresholdPercent(50).build(),
                server("a"), server("b"), server("c"), server("d")).build();
        failOn(p, "a", 1);
        failOn(p, "b", 1);
        assertThat(p.panicking()).isFalse(); // 2 of 4 healthy = 50%, not under
        failOn(p, "c", 1);
        assertThat(p.panicking()).isTrue(); // 1 of 4 = 25% < 50%
        assertThat(pickCounts(p, 40)).containsOnlyKeys("a", "b", "c", "d");
    }

    @Test
    void panicDoesNotResurrectDownServers() {
        LoadBalancingPool p = pool(ticker, oneFailEjects().panicThresholdPercent(50).build(),
                server("a"), server("b"), server("c"), server("d")).build();
        p.markDown("a");
        failOn(p, "b", 1);
        failOn(p, "c", 1);
        assertThat(p.panicking()).isTrue(); // 1 healthy of the 3 that are not down = 33% < 50%
        assertThat(pickCounts(p, 30)).containsOnlyKeys("b", "c", "d");
    }

    @Test
    void withPanicOffAllEjectedMeansNoServer() {
        LoadBalancingPool p = pool(ticker, oneFailEjects().build(), server("a"), server("b")).build();
        failOn(p, "a", 1);
        failOn(p, "b", 1);
        assertThatThrownBy(p::acquire).hasMessageContaining("all 2 servers are ejected");
    }

    @Test
    void backupsTakeOverBeforePanicWhenNoPrimaryIsHealthy() {
        LoadBalancingPool p = pool(ticker, oneFailEjects().panicThresholdPercent(50).build(),
                server("a"), server("b"), backup("bk")).build();
        failOn(p, "a", 1);
        failOn(p, "b", 1);
        assertThat(p.panicking()).isFalse();
        assertThat(pickCounts(p, 10)).containsOnlyKeys("bk");
    }

    @Test
    void slowStartRampsAJoiningServerFromTheMinimumToFullWeight() {
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .slowStart(Duration.ofSeconds(10)).slowStartMinWeightPercent(10).build();
        LoadBalancingPool p = pool(ticker, cfg, server("a", 10)).build();
        p.add(server("b", 10));
        assertThat(p.stats("a").weight()).isEqualTo(10.0); // initial members do not ramp
        assertThat(p.stats("b").weight()).isEqualTo(1.0);  // 10% of 10
        ticker.advance(Duration.ofSeconds(5));
        assertThat(p.stats("b").weight()).isCloseTo(5.0, within(1e-9));
        ticker.advance(Duration.ofSeconds(5));
        assertThat(p.stats("b").weight()).isEqualTo(10.0);
    }

    @Test
    void aServerAddedDownRampsOnlyOnceMarkedUp() {
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .slowStart(Duration.ofSeconds(10)).slowStartMinWeightPercent(10).build();
        LoadBalancingPool p = pool(ticker, cfg, server("a", 10)).build();
        p.addDown(server("b", 10));
        assertThat(p.snapshot().hasDeadline).as("no ramp to step while b is down").isFalse();
        ticker.advance(Duration.ofSeconds(30));
        p.markUp("b");
        assertThat(p.stats("b").weight()).isEqualTo(1.0); // the ramp starts now, at 10% of 10
        assertThat(p.snapshot().hasDeadline).isTrue();
    }

    @Test
    void slowStartAggressionShapesTheRamp() {
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .slowStart(Duration.ofSeconds(10)).slowStartAggression(2.0).slowStartMinWeightPercent(1).build();
        LoadBalancingPool p = pool(ticker, cfg).build();
        p.add(server("b", 100));
        ticker.advance(Duration.ofMillis(2500));
        assertThat(p.stats("b").weight()).isCloseTo(100 * Math.sqrt(0.25), within(1e-9)); // (t/w)^(1/aggression)
    }

    @Test
    void recoveredServerRampsAgain() {
        PoolConfig cfg = oneFailEjects().slowStart(Duration.ofSeconds(10)).build();
        LoadBalancingPool p = pool(ticker, cfg, server("a", 10), server("b", 10)).build();
        failOn(p, "b", 1);
        ticker.advance(Duration.ofSeconds(30));
        assertThat(p.state("b")).isEqualTo(HealthState.UP);
        assertThat(p.stats("b").weight()).isEqualTo(1.0);
    }

    @Test
    void perServerSlowStartOverridesThePool() {
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
        LoadBalancingPool p = pool(ticker, cfg).build();
        p.add(Server.builder("127.0.0.1", 9000).id("s").weight(10).slowStart(Duration.ofSeconds(4)).build());
        ticker.advance(Duration.ofSeconds(2));
        assertThat(p.stats("s").weight()).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void configValidationNamesPropertyValueAndRange() {
        assertThatThrownBy(() -> PoolConfig.custom().panicThresholdPercent(101))
                .hasMessage("panicThresholdPercent must be in [0, 100], was 101");
        assertThatThrownBy(() -> PoolConfig.custom().maxEjectionPercent(-1))
                .hasMessage("maxEjectionPercent must be in [0, 100], was -1");
        assertThatThrownBy(() -> PoolConfig.custom().slowStart(Duration.ofSeconds(-1)))
                .hasMessage("slowStart must not be negative, was PT-1S");
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThatThrownBy(() -> PoolConfig.custom().latencyDecay(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("latencyDecay must be in [1ms, 1h], was PT");
        assertThatThrownBy(() -> ActiveHealth.custom((s, t) -> null).interval(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("interval must be in [1ms, 1d], was PT");
        assertThatThrownBy(() -> ActiveHealth.custom((s, t) -> null).timeout(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("timeout must be in [1ms, 1h], was PT");
        assertThatThrownBy(() -> PassiveHealth.nginx(1, huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("failTimeout must be in [1ms, 1d], was PT");
        assertThatThrownBy(() -> PoolConfig.custom().slowStart(Duration.ofHours(2)))
                .hasMessage("slowStart must be in [0, 1h], was PT2H");
        assertThatThrownBy(() -> PoolConfig.custom().slowStartAggression(0))
                .hasMessage("slowStartAggression must be in [0.1, 10.0], was 0.0");
        assertThatThrownBy(() -> PoolConfig.custom().slowStartAggression(Double.NaN))
                .hasMessageContaining("slowStartAggression");
        assertThatThrownBy(() -> PoolConfig.custom().latencyDecay(Duration.ZERO))
                .hasMessage("latencyDecay must be a positive duration, was PT0S");
        assertThatThrownBy(() -> PoolConfig.custom().passiveHealth(null)).hasMessage("passiveHealth must not be null");
    }

    @Test
    void leastConnectionsDoesNotFloodARampingServer() {
        LoadBalancingPool p = LoadBalancingPool.builder("lc").strategy(new io.lb4j.algorithms.LeastConnections())
                .ticker(ticker).config(PoolConfig.custom().slowStart(Duration.ofSeconds(30)).build())
                .server(server("a")).server(server("b")).build();
        java.util.List<io.lb4j.api.Lease> open = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            open.add(p.acquire()); // 15 in flight on each of a and b
        }
        p.add(server("c")); // joins at 10% of its weight
        java.util.Map<String, Integer> next = new java.util.HashMap<>();
        for (int i = 0; i < 15; i++) {
            io.lb4j.api.Lease l = p.acquire();
            next.merge(l.server().id(), 1, Integer::sum);
            open.add(l);
        }
        // 10% ramp: c's in-flight weighs ten-fold (2 weigh as 20), so it takes its third request only once a
        // and b pass 20 in flight: 3 of 15 (10 of 15 when the ramp was ignored)
        assertThat(next.get("c")).isEqualTo(3);
        open.forEach(io.lb4j.api.Lease::success);
    }
}
