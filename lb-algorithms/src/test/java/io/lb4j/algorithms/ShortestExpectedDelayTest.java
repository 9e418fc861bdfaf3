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

class ShortestExpectedDelayTest {

    private static Picker picker(List<Endpoint> endpoints) {
        return new ShortestExpectedDelay(startingAt(0)).newPicker(endpoints);
    }

    @Test
    void nameIsShortestExpectedDelay() {
        assertThat(new ShortestExpectedDelay().name()).isEqualTo("shortest-expected-delay");
    }

    @Test
    void withNoConnectionsPicksTheHeavierServer() {
        // (0+1)/1 = 1 > (0+1)/2 = 0.5: the classic case where wlc sees a tie
        assertThat(ids(picker(letters(1, 2)), 4)).isEqualTo("b b b b");
    }

    @Test
    void lvsExampleWeights1_2_3WithConnections1_2_3PicksC() {
        // 2/1, 3/2, 4/3 -> c (wlc: 1, 1, 1, a tie)
        assertThat(ids(picker(inFlight(letters(1, 2, 3), 1, 2, 3)), 3)).isEqualTo("c c c");
    }

    @Test
    void lighterServerWinsOnceTheHeavierOneIsBusyEnough() {
        // (0+1)/1 = 1 < (2+1)/2 = 1.5
        assertThat(ids(picker(inFlight(letters(1, 2), 0, 2)), 2)).isEqualTo("a a");
    }

    @Test
    void equalExpectedDelaysAreATieTakenFromTheRotatingStart() {
        // (0+1)/1 = (1+1)/2
        assertThat(ids(picker(inFlight(letters(1, 2), 0, 1)), 4)).isEqualTo("a b a b");
    }

    @Test
    void maximalInFlightDoesNotOverflow() {
        // (MAX+1)/1 > (0+1)/1
        assertThat(ids(picker(inFlight(letters(1, 1), Integer.MAX_VALUE, 0)), 2)).isEqualTo("b b");
    }
}
