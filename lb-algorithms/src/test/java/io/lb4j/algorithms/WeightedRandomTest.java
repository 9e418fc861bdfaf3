package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.lb4j.algorithms.Picks.counts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Statistical tests: seed 42, 100,000 picks; a share is within 0.01 of its weight's share (the standard
 * deviation of a share near 0.5 over 100k picks is 0.0016, so 0.01 is over 6 standard deviations).
 */
class WeightedRandomTest {
    private static final int PICKS = 100_000;
    private static final double TOLERANCE = 0.01;

    @Test
    void nameIsRandom() {
        assertThat(new WeightedRandom().name()).isEqualTo("random");
    }

    @Test
    void sharesFollowWeights5_3_2() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(5, 3, 2);
        int[] counts = counts(new WeightedRandom(Randoms.seeded(42)).newPicker(endpoints), endpoints, PICKS);
        assertThat((double) counts[0] / PICKS).isCloseTo(0.5, within(TOLERANCE));
        assertThat((double) counts[1] / PICKS).isCloseTo(0.3, within(TOLERANCE));
        assertThat((double) counts[2] / PICKS).isCloseTo(0.2, within(TOLERANCE));
    }

    @Test
    void equalWeightsAreUniform() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(2, 2, 2, 2);
        int[] counts = counts(new WeightedRandom(Randoms.seeded(42)).newPicker(endpoints), endpoints, PICKS);
        for (int c : counts) {
            assertThat((double) c / PICKS).isCloseTo(0.25, within(TOLERANCE));
        }
    }

    @Test
    void tinyFractionalWeightGetsItsSmallShare() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(1, 1);
        Picks.fake(endpoints, 0).weight(0.01); // slow start just begun
        int[] counts = counts(new WeightedRandom(Randoms.seeded(42)).newPicker(endpoints), endpoints, PICKS);
        // expected 0.01 / 1.01 = 0.0099; standard deviation 0.0003 -> tolerance 0.002
        assertThat((double) counts[0] / PICKS).isCloseTo(0.01 / 1.01, within(0.002));
    }

    @Test
    void aliasTableOfManyUnevenWeightsKeepsEveryShare() {
        int[] weights = {1, 7, 2, 9, 3, 3, 1, 14};
        List<Endpoint> endpoints = FakeEndpoint.weighted(weights);
        int[] counts = counts(new WeightedRandom(Randoms.seeded(42)).newPicker(endpoints), endpoints, PICKS);
        for (int i = 0; i < weights.length; i++) {
            assertThat((double) counts[i] / PICKS).as("share of s" + i).isCloseTo(weights[i] / 40.0, within(TOLERANCE));
        }
    }

    @Test
    void ignoresInFlight() {
        List<Endpoint> endpoints = Picks.inFlight(FakeEndpoint.weighted(1, 1), 1000, 0);
        int[] counts = counts(new WeightedRandom(Randoms.seeded(42)).newPicker(endpoints), endpoints, PICKS);
        assertThat((double) counts[0] / PICKS).isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void rejectsNaNWeight() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(1, 1);
        Picks.fake(endpoints, 0).weight(Double.NaN);
        assertThatThrownBy(() -> new WeightedRandom().newPicker(endpoints))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoints[0] (s0) weight must be a finite number > 0, was NaN");
    }
}
