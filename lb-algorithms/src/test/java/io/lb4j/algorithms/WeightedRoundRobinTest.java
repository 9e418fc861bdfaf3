package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.lb4j.algorithms.Picks.counts;
import static io.lb4j.algorithms.Picks.ids;
import static io.lb4j.algorithms.Picks.letters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WeightedRoundRobinTest {
    private static final WeightedRoundRobin.Config FROM_ZERO =
            WeightedRoundRobin.Config.custom().randomStart(false).build();

    private static WeightedRoundRobin nginxLike() {
        return new WeightedRoundRobin(FROM_ZERO, Randoms.seeded(1));
    }

    @Test
    void nameIsWeightedRoundRobin() {
        assertThat(new WeightedRoundRobin().name()).isEqualTo("weighted-round-robin");
    }

    @Test
    void weights5_1_1GiveNginxSmoothSequence() {
        Picker picker = nginxLike().newPicker(letters(5, 1, 1));
        assertThat(ids(picker, 14)).isEqualTo("a a b a c a a a a b a c a a");
    }

    @Test
    void weights4_2_1GiveNginxSmoothSequence() {
        // nginx: current weights (4,2,1)->a, (1,4,2)->b, (5,-1,3)->a, (2,1,4)->c, (6,3,-2)->a, (3,5,-1)->b, (7,0,0)->a
        Picker picker = nginxLike().newPicker(letters(4, 2, 1));
        assertThat(ids(picker, 7)).isEqualTo("a b a c a b a");
    }

    @Test
    void equalWeightsRotate() {
        Picker picker = nginxLike().newPicker(letters(1, 1, 1));
        assertThat(ids(picker, 6)).isEqualTo("a b c a b c");
    }

    @Test
    void commonFactorDoesNotChangeTheSequence() {
        assertThat(ids(nginxLike().newPicker(letters(10, 2, 2)), 7)).isEqualTo("a a b a c a a");
    }

    @Test
    void randomStartEntersTheCycleAtSomePosition() {
        Picker picker = new WeightedRoundRobin(Randoms.seeded(7)).newPicker(letters(5, 1, 1));
        String cycle = "aabacaa";
        String seven = ids(picker, 7).replace(" ", "");
        assertThat(cycle + cycle).contains(seven);
    }

    @Test
    void republishWithSameListContinuesTheSequence() {
        WeightedRoundRobin strategy = nginxLike();
        List<Endpoint> endpoints = letters(5, 1, 1);
        assertThat(ids(strategy.newPicker(endpoints), 3)).isEqualTo("a a b");
        assertThat(ids(strategy.newPicker(endpoints), 4)).isEqualTo("a c a a");
    }

    @Test
    void largePoolGetsExactProportionsOverOneCycle() {
        int[] weights = new int[50];
        int total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i + 1;
            total += weights[i];
        }
        List<Endpoint> endpoints = FakeEndpoint.weighted(weights);
        int[] counts = counts(nginxLike().newPicker(endpoints), endpoints, total);
        assertThat(counts).containsExactly(weights);
    }

    @Test
    void hugePoolUsesEarliestDeadlineFirstWithExactProportionsOverOneCycle() {
        int[] weights = new int[2000];
        int total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1 + i % 3;
            total += weights[i];
        }
        List<Endpoint> endpoints = FakeEndpoint.weighted(weights);
        assertThat((long) weights.length * total).isGreaterThan(WeightedRoundRobin.SMOOTH_BUILD_LIMIT);
        int[] counts = counts(nginxLike().newPicker(endpoints), endpoints, total);
        assertThat(counts).containsExactly(weights);
    }

    @Test
    void earliestDeadlineFirstOrdersSlotsByDeadlineThenListOrder() {
        // heavy (weight 2000) then 2000 endpoints of weight 1: 2001 * 4000 steps is beyond the smooth limit.
        // heavy's k-th slot is due at k/2000, each light one's at 1; on the tie at 1, list order: heavy first.
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.add(FakeEndpoint.of("heavy", 2000));
        double[] weights = new double[2001];
        weights[0] = 2000;
        for (int i = 1; i <= 2000; i++) {
            endpoints.add(FakeEndpoint.of("light" + i, 1));
            weights[i] = 1;
        }
        Endpoint[] cycle = WeightedRoundRobin.schedule(endpoints.toArray(new Endpoint[0]), weights, 1 << 20);
        assertThat(cycle).hasSize(4000);
        for (int slot = 0; slot < 2000; slot++) {
            assertThat(cycle[slot]).isSameAs(endpoints.get(0));
        }
        for (int slot = 2000; slot < 4000; slot++) {
            assertThat(cycle[slot]).isSameAs(endpoints.get(slot - 1999));
        }
    }

    @Test
    void fractionalWeightsAreScaledToTheBoundAndReducedByTheirGcd() {
        // 16 / (0.25 + 0.75 + 1.0) = 8 -> 2, 6, 8 -> gcd 2 -> 1, 3, 4
        assertThat(WeightedRoundRobin.quantise(new double[] {0.25, 0.75, 1.0}, 16)).containsExactly(1, 3, 4);
    }

    @Test
    void quantisationKeepsEveryWeightAtLeastOne() {
        // 0.001 * 16 / 1000.001 rounds to 0: kept at 1
        assertThat(WeightedRoundRobin.quantise(new double[] {0.001, 1000.0}, 16)).containsExactly(1, 16);
    }

    @Test
    void integerWeightsAboveTheBoundAreScaled() {
        // 16 / (30 + 10) = 0.4 -> 12, 4 -> gcd 4 -> 3, 1
        assertThat(WeightedRoundRobin.quantise(new double[] {30, 10}, 16)).containsExactly(3, 1);
    }

    @Test
    void slowStartWeightGetsItsShareWithinOneSlotPerCycle() {
        List<Endpoint> endpoints = letters(1, 1);
        Picks.fake(endpoints, 0).weight(0.3);
        Endpoint[] cycle = WeightedRoundRobin.schedule(endpoints.toArray(new Endpoint[0]),
                new double[] {0.3, 1.0}, WeightedRoundRobin.DEFAULT_MAX_SEQUENCE_LENGTH);
        long a = Arrays.stream(cycle).filter(e -> e == endpoints.get(0)).count();
        assertThat((double) a / cycle.length).isCloseTo(0.3 / 1.3, within(1.0 / 4096));
    }

    @Test
    void rejectsNonPositiveWeightNamingTheEndpoint() {
        List<Endpoint> endpoints = letters(1, 1);
        Picks.fake(endpoints, 1).weight(0);
        assertThatThrownBy(() -> nginxLike().newPicker(endpoints))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoints[1] (b) weight must be a finite number > 0, was 0.0");
    }

    @Test
    void rejectsMaxSequenceLengthOutOfRange() {
        assertThatThrownBy(() -> WeightedRoundRobin.Config.custom().maxSequenceLength(15))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSequenceLength must be in [16, 1048576] entries, was 15");
    }

    @Test
    void defaultConfigIsBoundedAndStartsRandomly() {
        WeightedRoundRobin.Config config = WeightedRoundRobin.Config.ofDefaults();
        assertThat(config.maxSequenceLength()).isEqualTo(4096);
        assertThat(config.randomStart()).isTrue();
    }
}
