package io.lb4j.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Finagle's peak EWMA: peaks at once, lower samples averaged, reads decay with the time constant. */
class LatencyEstimatorTest {
    private static final long TAU = 10_000_000_000L;

    @Test
    void nothingBeforeTheFirstSampleThenTheSampleItself() {
        LatencyEstimator e = new LatencyEstimator(TAU);
        assertThat(e.sampled()).isFalse();
        assertThat(e.at(123)).isZero();
        e.observe(5_000, 0);
        assertThat(e.at(0)).isEqualTo(5_000.0);
        assertThat(e.lastCost()).isEqualTo(5_000.0);
    }

    @Test
    void readsDecayWithTheTimeConstantAndAClockGoingBackDoesNotInflate() {
        LatencyEstimator e = new LatencyEstimator(TAU);
        e.observe(1_000, 100);
        assertThat(e.at(100 + TAU)).isCloseTo(1_000 * Math.exp(-1), within(1e-9));
        assertThat(e.at(50)).isEqualTo(1_000.0);
    }

    @Test
    void aPeakIsTakenAtOnceAndALowSampleIsAveragedIn() {
        LatencyEstimator e = new LatencyEstimator(TAU);
        e.observe(100, 0);
        e.observe(900, 0);
        assertThat(e.lastCost()).isEqualTo(900.0);
        e.observe(0, TAU);
        assertThat(e.lastCost()).isCloseTo(900 * Math.exp(-1), within(1e-9));
    }
}
