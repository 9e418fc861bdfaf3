package io.lb4j.pool;

import io.lb4j.algorithms.Randoms;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Envoy's zone-aware routing: stay local while the local zone is healthy enough, spill in proportion. */
class ZoneAwareRoutingTest {
    private final ManualTicker ticker = new ManualTicker();

    private static Map<String, Integer> healthy(int a, int b, int c) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        m.put("c", c);
        return m;
    }

    private static Map<String, Double> thirds() {
        return Map.of("a", 1 / 3.0, "b", 1 / 3.0, "c", 1 / 3.0);
    }

    @Test
    void aHealthyLocalZoneKeepsEveryRequest() {
        assertThat(ZonePicker.distribution("a", healthy(4, 4, 4), thirds())).containsExactly(Map.entry("a", 1.0));
    }

    @Test
    void aLocalZoneThatLostHalfItsServersSpillsFortyPercentEvenly() {
        // local share 2/10 against an expected 1/3: 60% stay; b and c each have 4/10 - 1/3 spare -> 20% each
        Map<String, Double> d = ZonePicker.distribution("a", healthy(2, 4, 4), thirds());
        assertThat(d.get("a")).isCloseTo(0.6, within(1e-12));
        assertThat(d.get("b")).isCloseTo(0.2, within(1e-12));
        assertThat(d.get("c")).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void spillFollowsSpareCapacityNotServerCount() {
        // b has lost servers too: only c has spare capacity, so all the spill goes to c
        Map<String, Double> d = ZonePicker.distribution("a", healthy(2, 3, 4), thirds());
        assertThat(d.get("a")).isCloseTo((2 / 9.0) / (1 / 3.0), within(1e-12));
        assertThat(d.get("b")).isZero();
        assertThat(d.get("c")).isCloseTo(1 - (2 / 9.0) / (1 / 3.0), within(1e-12));
    }

    private LoadBalancingPool pool(ZoneAwareRouting routing) {
        PoolBuilder b = LoadBalancingPool.builder("zones").strategy(new Rotation()).ticker(ticker)
                .config(PoolConfig.custom().zoneAwareRouting(routing).maxEjectionPercent(100).build())
                .scheduleHealthChecks(false);
        for (String zone : new String[] {"a", "b", "c"}) {
            for (int i = 0; i < 4; i++) {
                b.server(Server.builder("127.0.0.1", 1000 + i).id(zone + i).zone(zone).build());
            }
        }
        return b.build();
    }

    private static Map<String, Integer> zoneCounts(LoadBalancingPool pool, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Lease l = pool.acquire();
            counts.merge(l.server().zone().orElse(""), 1, Integer::sum);
            l.success(1_000_000L);
        }
        return counts;
    }

    @Test
    void thePoolKeepsTrafficLocalThenSpillsWhenHalfTheLocalZoneIsDown() {
        LoadBalancingPool pool = pool(ZoneAwareRouting.custom("a").random(Randoms.seeded(42)).build());
        assertThat(zoneCounts(pool, 10_000)).containsOnlyKeys("a");
        pool.markDown("a0");
        pool.markDown("a1");
        Map<String, Integer> counts = zoneCounts(pool, 30_000);
        // expected 60/20/20 (seeded; tolerance 1.5 points, over 6 standard deviations of a 30,000-draw share)
        assertThat(counts.get("a") / 30_000.0).isCloseTo(0.6, within(0.015));
        assertThat(counts.get("b") / 30_000.0).isCloseTo(0.2, within(0.015));
        assertThat(counts.get("c") / 30_000.0).isCloseTo(0.2, within(0.015));
    }

    @Test
    void configuredClientSharesDecideWhatHealthyEnoughMeans() {
        // clients mostly in a (6 : 1 : 1): 4/12 local servers are too few, spill the rest evenly
        LoadBalancingPool pool = pool(ZoneAwareRouting.custom("a").clientShares(Map.of("a", 6, "b", 1, "c", 1))
                .random(Randoms.seeded(7)).build());
        Map<String, Integer> counts = zoneCounts(pool, 30_000);
        double stay = (4 / 12.0) / (6 / 8.0);
        assertThat(counts.get("a") / 30_000.0).isCloseTo(stay, within(0.015));
        assertThat(counts.get("b") / 30_000.0).isCloseTo((1 - stay) / 2, within(0.015));
    }

    @Test
    void zonesAreIgnoredBelowTheMinimumClusterSizeOrWithNoLocalServerLeft() {
        LoadBalancingPool pool = pool(ZoneAwareRouting.custom("a").minClusterSize(13).random(Randoms.seeded(1)).build());
        assertThat(zoneCounts(pool, 1200)).containsOnlyKeys("a", "b", "c");
        LoadBalancingPool other = pool(ZoneAwareRouting.custom("a").random(Randoms.seeded(1)).build());
        for (int i = 0; i < 4; i++) {
            other.markDown("a" + i);
        }
        assertThat(zoneCounts(other, 1200)).containsOnlyKeys("b", "c");
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> ZoneAwareRouting.custom(" ")).hasMessageContaining("localZone");
        assertThatThrownBy(() -> ZoneAwareRouting.custom("a").minClusterSize(0))
                .hasMessage("minClusterSize must be in [1, 1000000], was 0");
        assertThatThrownBy(() -> ZoneAwareRouting.custom("a").clientShares(Map.of("b", 1)))
                .hasMessageStartingWith("clientShares must give the local zone 'a' a share > 0");
        assertThatThrownBy(() -> ZoneAwareRouting.custom("a").clientShares(Map.of("a", -1)))
                .hasMessage("clientShares[a] must be a finite number >= 0, was -1.0");
    }
}
