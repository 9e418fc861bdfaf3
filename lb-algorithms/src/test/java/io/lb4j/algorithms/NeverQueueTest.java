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

class NeverQueueTest {

    private static Picker picker(List<Endpoint> endpoints) {
        return new NeverQueue(startingAt(0)).newPicker(endpoints);
    }

    @Test
    void nameIsNeverQueue() {
        assertThat(new NeverQueue().name()).isEqualTo("never-queue");
    }

    @Test
    void idleServerWinsEvenAgainstAShorterExpectedDelay() {
        // sed would pick b: (0+1)/1 = 1 > (1+1)/10 = 0.2
        assertThat(ids(picker(inFlight(letters(1, 10), 0, 1)), 3)).isEqualTo("a a a");
    }

    @Test
    void idleServersAreTakenInTurnFromTheRotatingStart() {
        // starts a, b, c: from c the scan meets a first
        assertThat(ids(picker(inFlight(letters(1, 1, 1), 0, 0, 5)), 3)).isEqualTo("a b a");
    }

    @Test
    void withoutIdleServerFallsBackToShortestExpectedDelay() {
        // 2/1, 3/2, 4/3 -> c
        assertThat(ids(picker(inFlight(letters(1, 2, 3), 1, 2, 3)), 3)).isEqualTo("c c c");
    }

    @Test
    void withNoConnectionsAtAllIgnoresWeights() {
        assertThat(ids(picker(letters(1, 2)), 4)).isEqualTo("a b a b");
    }
}
