package io.lb4j.okhttp;

import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The hedge delay's estimator, on a hand-driven clock. */
class LatencyPercentileTest {
    private final ManualTicker ticker = new ManualTicker();
    private final LatencyPercentile p95 = new LatencyPercentile(95, Duration.ofSeconds(10).toNanos(), ticker);

    private void recordMillis(int from, int to) {
        for (int ms = from; ms <= to; ms++) {
            p95.record(Duration.ofMillis(ms).toNanos());
        }
    }

    @Test
    void tooFewSamplesGiveNoEstimate() {
        recordMillis(1, 99);
        assertThat(p95.estimate(100)).isEqualTo(-1);
    }

    @Test
    void the95thPercentileIsWithinOneBucketOfTheTruth() {
        recordMillis(1, 1000);
        long estimate = p95.estimate(100);
        assertThat(estimate).isBetween(Duration.ofMillis(950).toNanos(), Duration.ofMillis(1069).toNanos());
    }

    @Test
    void theEstimateIsRecomputedAtMostOncePerTenthOfAWindow() {
        recordMillis(1, 1000);
        long first = p95.estimate(100);
        recordMillis(5000, 5999); // now half the samples are ~5 s
        assertThat(p95.estimate(100)).isEqualTo(first);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(p95.estimate(100)).isGreaterThan(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void latenciesOlderThanTwoWindowsAreForgotten() {
        recordMillis(1, 1000);
        ticker.advance(Duration.ofSeconds(10));
        p95.record(1_000_000); // rotates: the old window is now the previous one
        assertThat(p95.estimate(100)).isPositive();
        ticker.advance(Duration.ofSeconds(10));
        p95.record(1_000_000); // rotates again: the first window is gone
        assertThat(p95.estimate(100)).isEqualTo(-1);
    }

    @Test
    void bucketsAreMonotonicAndEdgesCoverTheirLatencies() {
        int last = -1;
        for (long nanos = 1_000; nanos < 100_000_000_000L; nanos = nanos * 11 / 10 + 1) {
            int b = LatencyPercentile.bucket(nanos);
            assertThat(b).isGreaterThanOrEqualTo(last);
            assertThat(LatencyPercentile.upperEdgeNanos(b)).isGreaterThanOrEqualTo(nanos / 1000 * 1000);
            last = b;
        }
    }
}
