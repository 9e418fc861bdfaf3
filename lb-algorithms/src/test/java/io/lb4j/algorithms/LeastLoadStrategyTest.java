package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.lb4j.algorithms.Picks.ids;
import static io.lb4j.algorithms.Picks.inFlight;
import static io.lb4j.algorithms.Picks.letters;
import static io.lb4j.algorithms.Picks.startingAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeastLoadStrategyTest {

    @Test
    void eachSubclassHasItsNameThroughTheBase() {
        List<LeastLoadStrategy> all = List.of(new LeastConnections(startingAt(0)),
                new WeightedLeastConnections(startingAt(0)), new ShortestExpectedDelay(startingAt(0)),
                new NeverQueue(startingAt(0)));
        assertThat(all).extracting(LeastLoadStrategy::name).containsExactly("least-connections",
                "weighted-least-connections", "shortest-expected-delay", "never-queue");
    }

    @Test
    void toStringIsTheName() {
        assertThat(new WeightedLeastConnections(startingAt(0))).hasToString("weighted-least-connections");
    }

    @Test
    void nullRandomIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new ShortestExpectedDelay(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("random must not be null");
    }

    @Test
    void neverQueueTakesAnIdleServerWhereShortestExpectedDelayDoesNot() {
        // sed: (0+1)/1 = 1 against (1+1)/10 = 0.2 -> b; nq: a is idle -> a
        assertThat(ids(new ShortestExpectedDelay(startingAt(0)).newPicker(inFlight(letters(1, 10), 0, 1)), 1))
                .isEqualTo("b");
        assertThat(ids(new NeverQueue(startingAt(0)).newPicker(inFlight(letters(1, 10), 0, 1)), 1))
                .isEqualTo("a");
    }

    @Test
    void theScanStartIsDrawnFromTheInjectedRandom() {
        assertThat(ids(new LeastConnections(startingAt(0)).newPicker(letters(1, 1, 1)), 3)).isEqualTo("a b c");
        assertThat(ids(new LeastConnections(startingAt(1)).newPicker(letters(1, 1, 1)), 3)).isEqualTo("b c a");
    }

    @Test
    void theScanStartSurvivesARepublish() {
        LeastConnections strategy = new LeastConnections(startingAt(0));
        assertThat(ids(strategy.newPicker(letters(1, 1, 1)), 2)).isEqualTo("a b");
        assertThat(ids(strategy.newPicker(letters(1, 1, 1)), 2)).isEqualTo("c a");
    }

    @Test
    void leastConnectionsTakesTheFewestInFlightRegardlessOfWeight() {
        List<Endpoint> es = inFlight(letters(10, 1, 1), 5, 2, 3);
        assertThat(ids(new LeastConnections(startingAt(0)).newPicker(es), 3)).isEqualTo("b b b");
    }

    @Test
    void weightedLeastConnectionsTakesTheSmallestInFlightPerWeight() {
        // 5/10 = 0.5, 2/1 = 2, 3/2 = 1.5 -> a
        List<Endpoint> es = inFlight(letters(10, 1, 2), 5, 2, 3);
        assertThat(ids(new WeightedLeastConnections(startingAt(0)).newPicker(es), 3)).isEqualTo("a a a");
    }

    @Test
    void shortestExpectedDelayCountsTheNewRequest() {
        // nothing in flight, weights 1 and 2: sed 1/1 > 1/2 -> b every time
        assertThat(ids(new ShortestExpectedDelay(startingAt(0)).newPicker(letters(1, 2)), 3)).isEqualTo("b b b");
    }
}
