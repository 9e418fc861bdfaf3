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

class LeastConnectionsTest {

    private static Picker picker(List<Endpoint> endpoints) {
        return new LeastConnections(startingAt(0)).newPicker(endpoints);
    }

    @Test
    void nameIsLeastConnections() {
        assertThat(new LeastConnections().name()).isEqualTo("least-connections");
    }

    @Test
    void picksTheFewestInFlight() {
        assertThat(ids(picker(inFlight(letters(1, 1, 1), 3, 1, 2)), 3)).isEqualTo("b b b");
    }

    @Test
    void ignoresWeightsAsLvsLc() {
        // wlc would pick b (2/100 < 1/1); lc compares counts only
        assertThat(ids(picker(inFlight(letters(1, 100), 1, 2)), 2)).isEqualTo("a a");
    }

    @Test
    void tiesAreTakenInTurnFromARotatingStart() {
        assertThat(ids(picker(letters(1, 1, 1)), 4)).isEqualTo("a b c a");
    }

    @Test
    void tieBetweenSomeEndpointsGoesToTheFirstFromTheRotatingStart() {
        // starts 0, 1, 2, 0: scan from b meets c (0) before a (0)
        assertThat(ids(picker(inFlight(letters(1, 1, 1), 0, 5, 0)), 4)).isEqualTo("a c c a");
    }

    @Test
    void readsInFlightLiveOnEveryPick() {
        List<Endpoint> endpoints = inFlight(letters(1, 1), 0, 1);
        Picker picker = picker(endpoints);
        assertThat(ids(picker, 1)).isEqualTo("a");
        inFlight(endpoints, 2, 1);
        assertThat(ids(picker, 1)).isEqualTo("b");
    }

    @Test
    void aRampingServerWeighsItsInFlightByItsRamp() {
        // c ramps at 10%: its 1 in flight weighs as 10, so the busy-looking a (3) and b (4) win
        List<Endpoint> es = inFlight(letters(10, 10, 10), 3, 4, 1);
        ((FakeEndpoint) es.get(2)).weight(1.0);
        assertThat(ids(picker(es), 3)).isEqualTo("a a a");
        // an idle ramping server still takes a request: nothing beats 0
        inFlight(es, 3, 4, 0);
        assertThat(ids(picker(es), 1)).isEqualTo("c");
    }
}
