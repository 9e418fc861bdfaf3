package io.lb4j.pool;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

/** ZonePicker: when zones apply, one picker per zone, and the zone drawn by Envoy's split. */
class ZonePickerTest {
    private final ManualTicker ticker = new ManualTicker();
    private final RecordingStrategy strategy = new RecordingStrategy();
    private final List<Member> all = new ArrayList<>();

    private Member member(String id, String zone) {
        return member(Server.builder("127.0.0.1", 8080).id(id).zone(zone).build());
    }

    private Member member(Server s) {
        Member m = new Member(s, ticker, 1_000_000_000L, 1);
        all.add(m);
        return m;
    }

    /** n members of {@code zone} named zone1..zoneN. */
    private Member[] zone(String zone, int n) {
        Member[] ms = new Member[n];
        for (int i = 0; i < n; i++) {
            ms[i] = member(zone + (i + 1), zone);
        }
        return ms;
    }

    private static Member[] concat(Member[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(Member[]::new);
    }

    /** A generator that returns {@code values} from nextDouble, in order. */
    private static RandomGenerator script(double... values) {
        return new RandomGenerator() {
            private int next;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only nextDouble is scripted");
            }

            @Override
            public double nextDouble() {
                return values[next++];
            }
        };
    }

    private static String zoneOf(Picker p) {
        return p.pick(PickContext.none()).server().zone().orElseThrow();
    }

    @Test
    void theZoneOfAServerWithoutOneIsTheEmptyString() {
        assertThat(ZonePicker.zone(member(Server.builder("127.0.0.1", 80).id("plain").build()))).isEmpty();
        assertThat(ZonePicker.zone(member("z", "eu-1a"))).isEqualTo("eu-1a");
    }

    @Test
    void fewerEligibleServersThanTheMinimumClusterSizeIgnoreZones() {
        Member[] eligible = concat(zone("a", 2), zone("b", 3)); // 5 < Envoy's 6
        assertThat(ZonePicker.build(strategy, eligible, all, ZoneAwareRouting.of("a"))).isNull();
        assertThat(strategy.lists).isEmpty();
    }

    @Test
    void oneZoneOnlyIgnoresZones() {
        Member[] eligible = zone("a", 6);
        assertThat(ZonePicker.build(strategy, eligible, all, ZoneAwareRouting.of("a"))).isNull();
    }

    @Test
    void noEligibleServerInTheLocalZoneIgnoresZones() {
        zone("a", 3); // configured, none eligible
        Member[] eligible = concat(zone("b", 3), zone("c", 3));
        assertThat(ZonePicker.build(strategy, eligible, all, ZoneAwareRouting.of("a"))).isNull();
    }

    @Test
    void aHealthyEnoughLocalZoneGetsEveryPickThroughItsOwnPicker() {
        Member[] eligible = concat(zone("a", 3), zone("b", 3), zone("c", 3));
        Picker p = ZonePicker.build(strategy, eligible, all, ZoneAwareRouting.of("a"));
        assertThat(p).isNotInstanceOf(ZonePicker.class); // the local zone's plain picker
        assertThat(strategy.lists).containsExactly(List.of("a1", "a2", "a3"));
        assertThat(zoneOf(p)).isEqualTo("a");
    }

    @Test
    void aShortLocalZoneKeepsItsShareAndSpillsTheRestByResidualCapacity() {
        Member[] a = zone("a", 3);
        Member[] b = zone("b", 3);
        Member[] c = zone("c", 3);
        // 9 configured, 3 per zone: expected 1/3 each. Eligible a1, b*, c*: upstream a 1/7, b 3/7, c 3/7.
        // Local stays (1/7)/(1/3) = 3/7; b and c have residual 3/7 - 1/3 = 2/21 each, so 2/7 each.
        ZoneAwareRouting cfg = ZoneAwareRouting.custom("a").minClusterSize(1)
                .random(script(0.0, 0.428, 0.4286, 0.714, 0.7143, 0.9999)).build();
        Picker p = ZonePicker.build(strategy, concat(new Member[]{a[0]}, b, c), all, cfg);
        assertThat(p).isInstanceOf(ZonePicker.class);
        assertThat(strategy.lists).containsExactly(List.of("a1"), List.of("b1", "b2", "b3"), List.of("c1", "c2", "c3"));
        List<String> zones = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            zones.add(zoneOf(p));
        }
        // cumulative [3/7, 5/7, 1]: 3/7 = 0.42857..., 5/7 = 0.71428...
        assertThat(zones).containsExactly("a", "a", "b", "b", "c", "c");
    }

    @Test
    void aZoneWithoutResidualCapacityGetsNoPicker() {
        Member[] a = zone("a", 1);
        Member[] b = zone("b", 1);
        Member[] c = zone("c", 4);
        // clients a 1/2, b 1/4, c 1/4; upstream a 1/6, b 1/6, c 4/6: a keeps 1/3, b has no residual, c takes 2/3
        ZoneAwareRouting cfg = ZoneAwareRouting.custom("a").minClusterSize(1).clientShares(Map.of("a", 2, "b", 1, "c", 1))
                .random(script(0.3333, 0.3334)).build();
        Picker p = ZonePicker.build(strategy, concat(a, b, c), all, cfg);
        assertThat(strategy.lists).containsExactly(List.of("a1"), List.of("c1", "c2", "c3", "c4"));
        assertThat(zoneOf(p)).isEqualTo("a");
        assertThat(zoneOf(p)).isEqualTo("c");
        assertThat(p.toString()).startsWith("ZonePicker[0.333");
    }

    @Test
    void aPickWithTheTimeHandsTheTimeToTheZonesPicker() {
        Member[] a = zone("a", 1);
        Member[] b = zone("b", 3);
        ZoneAwareRouting cfg = ZoneAwareRouting.custom("a").minClusterSize(1).clientShares(Map.of("a", 1, "b", 1))
                .random(script(0.99)).build(); // a keeps 1/2, b takes 1/2
        Picker p = ZonePicker.build(strategy, concat(a, b), all, cfg);
        assertThat(p.pick(PickContext.none(), 123_456L).server().zone()).contains("b");
        assertThat(strategy.nows).containsExactly(123_456L);
    }

    @Test
    void theExpectedSpreadIsThatOfTheConfiguredPrimariesWithWeightHealthyOrNot() {
        zone("a", 2);
        zone("b", 1);
        member(Server.builder("127.0.0.1", 80).id("b-backup").zone("b").backup(true).build());
        member(Server.builder("127.0.0.1", 80).id("c-quiesced").zone("c").weight(0).build());
        Map<String, Double> expected = ZonePicker.expected(all, ZoneAwareRouting.of("a"));
        assertThat(expected).containsOnlyKeys("a", "b");
        assertThat(expected.get("a")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(expected.get("b")).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void configuredClientSharesAreNormalised() {
        zone("a", 5);
        Map<String, Double> expected = ZonePicker.expected(all,
                ZoneAwareRouting.custom("a").clientShares(Map.of("a", 3, "b", 1)).build());
        assertThat(expected).containsOnly(entry("a", 0.75), entry("b", 0.25));
    }

    @Test
    void aLocalZoneAtExactlyItsExpectedShareKeepsEveryRequest() {
        assertThat(ZonePicker.distribution("a", Map.of("a", 1, "b", 1), Map.of("a", 0.5, "b", 0.5)))
                .containsExactly(entry("a", 1.0));
    }

    @Test
    void aLocalZoneWithoutClientsKeepsEveryRequest() {
        assertThat(ZonePicker.distribution("a", Map.of("a", 1, "b", 3), Map.of("b", 1.0)))
                .containsExactly(entry("a", 1.0));
    }
}
