package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.lb4j.algorithms.Picks.ids;
import static io.lb4j.algorithms.Picks.letters;
import static io.lb4j.algorithms.Picks.startingAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoundRobinTest {

    @Test
    void nameIsRoundRobin() {
        assertThat(new RoundRobin().name()).isEqualTo("round-robin");
    }

    @Test
    void rotatesThroughEndpointsInListOrder() {
        Picker picker = new RoundRobin(startingAt(0)).newPicker(letters(1, 1, 1));
        assertThat(ids(picker, 7)).isEqualTo("a b c a b c a");
    }

    @Test
    void startsAtThePositionDrawnFromTheInjectedGenerator() {
        Picker picker = new RoundRobin(startingAt(1)).newPicker(letters(1, 1, 1));
        assertThat(ids(picker, 4)).isEqualTo("b c a b");
    }

    @Test
    void ignoresWeights() {
        Picker picker = new RoundRobin(startingAt(0)).newPicker(letters(5, 1));
        assertThat(ids(picker, 4)).isEqualTo("a b a b");
    }

    @Test
    void republishWithSameListContinuesTheRotation() {
        RoundRobin strategy = new RoundRobin(startingAt(0));
        List<Endpoint> endpoints = letters(1, 1, 1);
        assertThat(ids(strategy.newPicker(endpoints), 2)).isEqualTo("a b");
        assertThat(ids(strategy.newPicker(endpoints), 2)).isEqualTo("c a");
    }

    @Test
    void counterOverflowWrapsWithoutException() {
        List<Endpoint> endpoints = letters(1, 1, 1);
        Picker picker = new RoundRobin(startingAt(Long.MAX_VALUE - 2)).newPicker(endpoints);
        for (int i = 0; i < 10; i++) {
            assertThat(picker.pick(PickContext.none())).isIn(endpoints);
        }
    }

    @Test
    void rejectsNullGenerator() {
        assertThatThrownBy(() -> new RoundRobin(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("random must not be null");
    }

    @Test
    void aRampingServerGetsItsRampedShareOfAnEqualSplit() {
        List<Endpoint> es = letters(10, 10, 10);
        ((FakeEndpoint) es.get(2)).weight(2.5); // slow start at 25% of its weight
        Picker picker = new RoundRobin(startingAt(0)).newPicker(es);
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < 900; i++) {
            counts.merge(picker.pick(io.lb4j.api.PickContext.none()).server().id(), 1, Integer::sum);
        }
        // shares 1 : 1 : 0.25 of 2.25 -> 400, 400, 100 over whole cycles
        assertThat(counts).containsEntry("a", 400).containsEntry("b", 400).containsEntry("c", 100);
    }

    @Test
    void configuredWeightsStillDoNotMatterWhileNothingRamps() {
        Picker picker = new RoundRobin(startingAt(0)).newPicker(letters(5, 1, 3));
        assertThat(ids(picker, 6)).isEqualTo("a b c a b c");
    }
}
