package io.lb4j.benchmarks.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.lb4j.benchmarks.sim.TailEvents.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

class TailEventsTest {

    private final TailEvents events = new TailEvents(TailSetups.oneServer(1));

    private List<Integer> drainKinds() {
        List<Integer> kinds = new ArrayList<>();
        for (TailEvents.Event e = events.next(); e != null; e = events.next()) {
            kinds.add(e.kind());
        }
        return kinds;
    }

    @Test
    void eventsComeOutInTimeOrder() {
        events.schedule(30, TailEvents.DONE, null, null);
        events.schedule(10, TailEvents.ARRIVAL, null, null);
        events.schedule(20, TailEvents.HEDGE, null, null);
        assertThat(drainKinds()).containsExactly(TailEvents.ARRIVAL, TailEvents.HEDGE, TailEvents.DONE);
    }

    @Test
    void tiesComeOutInSchedulingOrder() {
        events.schedule(5, TailEvents.TIMEOUT, null, null);
        events.schedule(5, TailEvents.ARRIVAL, null, null);
        events.schedule(5, TailEvents.SAMPLE, null, null);
        events.schedule(5, TailEvents.DONE, null, null);
        assertThat(drainKinds())
                .containsExactly(TailEvents.TIMEOUT, TailEvents.ARRIVAL, TailEvents.SAMPLE, TailEvents.DONE);
    }

    @Test
    void nextAdvancesTheClockAndTheTicker() {
        events.schedule(250, TailEvents.ARRIVAL, null, null);
        assertThat(events.now()).isZero();
        assertThat(events.ticker.read()).isEqualTo(SECOND);
        assertThat(events.next().time()).isEqualTo(250);
        assertThat(events.now()).isEqualTo(250);
        assertThat(events.ticker.read()).isEqualTo(SECOND + 250);
    }

    @Test
    void anEventScheduledInThePastDoesNotMoveTheClockBack() {
        events.schedule(100, TailEvents.ARRIVAL, null, null);
        events.next();
        events.schedule(40, TailEvents.DONE, null, null);
        assertThat(events.next().time()).isEqualTo(40);
        assertThat(events.now()).isEqualTo(100);
        assertThat(events.ticker.read()).isEqualTo(SECOND + 100);
    }

    @Test
    void nextIsNullWhenNothingIsLeft() {
        assertThat(events.next()).isNull();
        assertThat(events.now()).isZero();
    }

    @Test
    void eventsCarryTheirServerAndAttempt() {
        TailServer s = new TailServer(0, null, 1);
        TailAttempt a = new TailAttempt(null, s, null, 0);
        events.schedule(1, TailEvents.DONE, s, a);
        TailEvents.Event e = events.next();
        assertThat(e.server()).isSameAs(s);
        assertThat(e.attempt()).isSameAs(a);
    }

    @Test
    void endIsTheDurationInNanoseconds() {
        assertThat(events.end).isEqualTo(300 * SECOND);
    }

    @Test
    void slowdownWindowIncludesItsStartAndExcludesItsEnd() {
        assertThat(events.inSlowdown(100 * SECOND - 1)).isFalse();
        assertThat(events.inSlowdown(100 * SECOND)).isTrue();
        assertThat(events.inSlowdown(200 * SECOND - 1)).isTrue();
        assertThat(events.inSlowdown(200 * SECOND)).isFalse();
    }
}
