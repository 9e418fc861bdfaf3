package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.lb4j.algorithms.Picks.ids;
import static io.lb4j.algorithms.Picks.inFlight;
import static io.lb4j.algorithms.Picks.letters;
import static io.lb4j.algorithms.Picks.startingAt;
import static org.assertj.core.api.Assertions.assertThat;

class WeightedLeastConnectionsTest {

    private static Picker picker(List<Endpoint> endpoints) {
        return new WeightedLeastConnections(startingAt(0)).newPicker(endpoints);
    }

    @Test
    void nameIsWeightedLeastConnections() {
        assertThat(new WeightedLeastConnections().name()).isEqualTo("weighted-least-connections");
    }

    @Test
    void picksSmallestInFlightPerWeight() {
        // 1/1, 1/2, 1/3 -> c
        assertThat(ids(picker(inFlight(letters(1, 2, 3), 1, 1, 1)), 3)).isEqualTo("c c c");
    }

    @Test
    void heavierServerTakesMoreInFlightBeforeLosing() {
        // 2/1 = 2, 3/2 = 1.5, 3/3 = 1 -> c
        assertThat(ids(picker(inFlight(letters(1, 2, 3), 2, 3, 3)), 1)).isEqualTo("c");
        // 1/1 = 1, 1/2 = 0.5, 4/3 = 1.33 -> b
        assertThat(ids(picker(inFlight(letters(1, 2, 3), 1, 1, 4)), 1)).isEqualTo("b");
    }

    @Test
    void equalRatiosAreATieTakenFromTheRotatingStart() {
        // 3/3 = 1/1
        assertThat(ids(picker(inFlight(letters(3, 1), 3, 1)), 4)).isEqualTo("a b a b");
    }

    @Test
    void zeroConnectionsIsATieWhateverTheWeights() {
        // 0/1 = 0/2: unlike sed, wlc may pick either
        assertThat(ids(picker(letters(1, 2)), 4)).isEqualTo("a b a b");
    }

    @Test
    void fractionalSlowStartWeightCounts() {
        List<Endpoint> endpoints = inFlight(letters(1, 1), 1, 1);
        Picks.fake(endpoints, 0).weight(0.5); // 1/0.5 = 2 > 1/1
        assertThat(ids(picker(endpoints), 2)).isEqualTo("b b");
    }

    @Test
    void extremeCountsAndWeightsCompareExactly() {
        // MAX/1e6 = 2147.48 < (MAX - 1)/1
        List<Endpoint> endpoints = inFlight(letters(1_000_000, 1), Integer.MAX_VALUE, Integer.MAX_VALUE - 1);
        assertThat(ids(picker(endpoints), 2)).isEqualTo("a a");
    }
}
