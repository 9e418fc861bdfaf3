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
}
