package io.lb4j.benchmarks.sim;

import org.junit.jupiter.api.Test;

import static io.lb4j.benchmarks.sim.TailEvents.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TailTallyTest {

    private static final long MS = 1_000_000L;

    private final TailSetup setup = TailSetups.oneServer(1);
    private final TailTally tally = new TailTally(setup, new TailEvents(setup));

    @Test
    void percentilesOfOneToAHundredMilliseconds() {
        for (int i = 1; i <= 100; i++) {
            tally.finished(true, i * MS);
        }
        TailSimulation.Result r = tally.result(new long[0]);
        // HdrHistogram with 3 significant digits: within 0.1 %
        assertThat(r.p(50)).isCloseTo(50.0, within(0.05));
        assertThat(r.p(99)).isCloseTo(99.0, within(0.1));
        assertThat(r.p(100)).isCloseTo(100.0, within(0.1));
        assertThat(r.latencyMicros().getTotalCount()).isEqualTo(100);
    }

    @Test
    void latencyUnderAMicrosecondIsRecordedAsOne() {
        tally.finished(true, 10);
        assertThat(tally.result(new long[0]).latencyMicros().getMaxValue()).isEqualTo(1);
    }

    @Test
    void failuresAreCountedNotRecorded() {
        tally.finished(false, 5 * MS);
        tally.finished(false, 5 * MS);
        tally.finished(true, 5 * MS);
        TailSimulation.Result r = tally.result(new long[0]);
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.latencyMicros().getTotalCount()).isEqualTo(1);
    }

    @Test
    void arrivalsHedgesAndRetriesAreCountedOverallAndInTheSlowdown() {
        tally.arrived(50 * SECOND);
        tally.arrived(150 * SECOND);
        tally.arrived(160 * SECOND);
        tally.hedged(50 * SECOND);
        tally.hedged(150 * SECOND);
        tally.retried(160 * SECOND);
        tally.retried(250 * SECOND);
        tally.retried(10 * SECOND);
        TailSimulation.Result r = tally.result(new long[0]);
        assertThat(r.requests()).isEqualTo(3);
        assertThat(r.slowdownRequests()).isEqualTo(2);
        assertThat(r.hedges()).isEqualTo(2);
        assertThat(r.slowdownHedges()).isEqualTo(1);
        assertThat(r.retries()).isEqualTo(3);
        assertThat(r.slowdownRetries()).isEqualTo(1);
        assertThat(r.hedgeShare()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.retryShare()).isEqualTo(1.0);
    }

    @Test
    void requestsBeforeTheSlowdownAreThoseInTheRetryBudgetWindow() {
        // slowdown at 100 s, retry budget window 10 s: [90 s, 100 s)
        tally.arrived(90 * SECOND - 1);
        tally.arrived(90 * SECOND);
        tally.arrived(95 * SECOND);
        tally.arrived(100 * SECOND - 1);
        tally.arrived(100 * SECOND);
        assertThat(tally.result(new long[0]).requestsBeforeSlowdown()).isEqualTo(3);
    }

    @Test
    void resultCarriesThePicks() {
        long[] picks = {4, 2};
        assertThat(tally.result(picks).picks()).containsExactly(4, 2);
    }

    @Test
    void sharesAreZeroWithoutRequests() {
        TailSimulation.Result r = tally.result(new long[0]);
        assertThat(r.hedgeShare()).isZero();
        assertThat(r.retryShare()).isZero();
    }
}
