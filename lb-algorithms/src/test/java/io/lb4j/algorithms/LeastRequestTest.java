package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.lb4j.algorithms.Picks.counts;
import static io.lb4j.algorithms.Picks.inFlight;
import static io.lb4j.algorithms.Picks.letters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Seed 42; statistical shares over 100,000 picks within 0.01 (over 6 standard deviations of a binomial
 * share).
 */
class LeastRequestTest {
    private static final int PICKS = 100_000;
    private static final double TOLERANCE = 0.01;

    private static Picker picker(List<Endpoint> endpoints) {
        return new LeastRequest(Randoms.seeded(42)).newPicker(endpoints);
    }

    private static Picker picker(List<Endpoint> endpoints, LeastRequest.Config config) {
        return new LeastRequest(config, Randoms.seeded(42)).newPicker(endpoints);
    }

    @Test
    void nameIsLeastRequest() {
        assertThat(new LeastRequest().name()).isEqualTo("least-request");
    }

    @Test
    void defaultsAreEnvoys() {
        LeastRequest.Config config = LeastRequest.Config.ofDefaults();
        assertThat(config.choiceCount()).isEqualTo(2);
        assertThat(config.activeRequestBias()).isEqualTo(1.0);
    }

    @Test
    void equalWeightsNeverPickTheMostLoadedOfThree() {
        List<Endpoint> endpoints = inFlight(letters(1, 1, 1), 100, 0, 0);
        int[] counts = counts(picker(endpoints), endpoints, PICKS);
        assertThat(counts[0]).isZero();
        assertThat((double) counts[1] / PICKS).isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void equalWeightsTwoEndpointsAlwaysPickTheLessLoaded() {
        List<Endpoint> endpoints = inFlight(letters(1, 1), 5, 3);
        int[] counts = counts(picker(endpoints), endpoints, 1000);
        assertThat(counts).containsExactly(0, 1000);
    }

    @Test
    void equalWeightsSpreadUniformlyWhenIdle() {
        List<Endpoint> endpoints = letters(1, 1, 1, 1);
        int[] counts = counts(picker(endpoints), endpoints, PICKS);
        for (int c : counts) {
            assertThat((double) c / PICKS).isCloseTo(0.25, within(TOLERANCE));
        }
    }

    @Test
    void choiceCountAtLeastPoolSizeComparesEveryEndpoint() {
        List<Endpoint> endpoints = inFlight(letters(1, 1, 1), 2, 0, 1);
        LeastRequest.Config four = LeastRequest.Config.custom().choiceCount(4).build();
        assertThat(counts(picker(endpoints, four), endpoints, 1000)).containsExactly(0, 1000, 0);
    }

    @Test
    void moreChoicesAvoidTheLoadedMoreOften() {
        // 10 endpoints, 5 loaded: 2 choices pick a loaded one only when both are loaded (2/9),
        // 3 choices when all three are (about 1/10 with the third drawn with replacement)
        List<Endpoint> endpoints = inFlight(letters(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 9, 9, 9, 9, 9);
        int[] two = counts(picker(endpoints), endpoints, PICKS);
        int[] three = counts(picker(endpoints, LeastRequest.Config.custom().choiceCount(3).build()), endpoints, PICKS);
        int loadedTwo = two[0] + two[1] + two[2] + two[3] + two[4];
        int loadedThree = three[0] + three[1] + three[2] + three[3] + three[4];
        assertThat((double) loadedTwo / PICKS).isCloseTo(2.0 / 9, within(TOLERANCE));
        assertThat(loadedThree).isLessThan(loadedTwo * 2 / 3);
    }

    @Test
    void unequalWeightsWhenIdleFollowWeights() {
        List<Endpoint> endpoints = letters(3, 1);
        int[] counts = counts(picker(endpoints), endpoints, PICKS);
        assertThat((double) counts[0] / PICKS).isCloseTo(0.75, within(TOLERANCE));
    }

    @Test
    void unequalWeightsNeverPickALoadedServerWhileAnotherIsIdle() {
        List<Endpoint> endpoints = inFlight(letters(2, 1, 1), 100, 0, 0);
        int[] counts = counts(picker(endpoints), endpoints, PICKS);
        assertThat(counts[0]).isZero();
    }

    @Test
    void unequalWeightsPreferSmallerLoadPerWeight() {
        // 4/2 = 2 > 1/1: b always wins the pair
        List<Endpoint> endpoints = inFlight(letters(2, 1), 4, 1);
        assertThat(counts(picker(endpoints), endpoints, 1000)).containsExactly(0, 1000);
    }

    @Test
    void biasZeroDegeneratesToWeightedRandom() {
        List<Endpoint> endpoints = inFlight(letters(3, 1), 100, 0);
        LeastRequest.Config zero = LeastRequest.Config.custom().activeRequestBias(0.0).build();
        int[] counts = counts(picker(endpoints, zero), endpoints, PICKS);
        assertThat((double) counts[0] / PICKS).isCloseTo(0.75, within(TOLERANCE));
    }

    @Test
    void smallerBiasToleratesMoreLoad() {
        // bias 0.5: sqrt(4)/2 = 1 = sqrt(1)/1, a tie: the weight-drawn first candidate wins -> 2:1
        List<Endpoint> endpoints = inFlight(letters(2, 1), 4, 1);
        LeastRequest.Config half = LeastRequest.Config.custom().activeRequestBias(0.5).build();
        int[] counts = counts(picker(endpoints, half), endpoints, PICKS);
        assertThat((double) counts[0] / PICKS).isCloseTo(2.0 / 3, within(TOLERANCE));
    }

    @Test
    void rejectsChoiceCountOutOfRange() {
        assertThatThrownBy(() -> LeastRequest.Config.custom().choiceCount(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("choiceCount must be in [2, 64], was 1");
    }

    @Test
    void rejectsNegativeOrNaNBias() {
        assertThatThrownBy(() -> LeastRequest.Config.custom().activeRequestBias(-0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("activeRequestBias must be in [0.0, 100.0], was -0.5");
        assertThatThrownBy(() -> LeastRequest.Config.custom().activeRequestBias(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was NaN");
    }
}
