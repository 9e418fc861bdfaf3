package io.lb4j.benchmarks.sim;

import io.lb4j.algorithms.LeastRequest;
import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** End-to-end runs of a small tail scenario: seeded, counted after the warm-up, nothing hedged when off. */
class TailSimulationTest {

    /** Three servers (capacities 1, 1, 2), 4 workers, 10 ms, half load, 20 s with 2 s warm-up, no hedging. */
    private static final TailSetup SETUP = new TailSetup(new double[] {1, 1, 2}, new double[] {0, 0, 0.25}, 0.5, 4,
            10, 0.01, 10, 1, 100, 200, 0, 0, 20, 2, 7);

    private static final BiFunction<Long, ManualTicker, Strategy> ROUND_ROBIN =
            (seed, ticker) -> new RoundRobin(new SplittableRandom(seed));
    private static final BiFunction<Long, ManualTicker, Strategy> LEAST_REQUEST =
            (seed, ticker) -> new LeastRequest(new SplittableRandom(seed));

    @Test
    void theSameSetupGivesTheSameResult() {
        TailSimulation.Result a = new TailSimulation(SETUP).run(LEAST_REQUEST, null);
        TailSimulation.Result b = new TailSimulation(SETUP).run(LEAST_REQUEST, null);
        assertThat(b.requests()).isEqualTo(a.requests());
        assertThat(b.picks()).isEqualTo(a.picks());
        assertThat(b.p(99)).isEqualTo(a.p(99));
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        TailSetup other = new TailSetup(SETUP.capacities(), SETUP.background(), 0.5, 4, 10, 0.01, 10, 1, 100, 200, 0,
                0, 20, 2, 8);
        assertThat(new TailSimulation(other).run(LEAST_REQUEST, null).picks())
                .isNotEqualTo(new TailSimulation(SETUP).run(LEAST_REQUEST, null).picks());
    }

    @Test
    void withoutHedgingOrTimeoutNothingIsHedgedRetriedOrFailed() {
        TailSimulation.Result r = new TailSimulation(SETUP).run(ROUND_ROBIN, null);
        assertThat(r.hedges()).isZero();
        assertThat(r.retries()).isZero();
        assertThat(r.failed()).isZero();
        assertThat(r.latencyMicros().getTotalCount()).isEqualTo(r.requests());
    }

    @Test
    void onlyRequestsAfterTheWarmupAreCountedAndPicked() {
        TailSimulation.Result r = new TailSimulation(SETUP).run(ROUND_ROBIN, null);
        long picks = 0;
        for (long p : r.picks()) {
            picks += p;
        }
        // no hedges or retries: every counted request is picked once, and only counted requests' picks are kept
        assertThat(picks).isEqualTo(r.requests());
        // Poisson arrivals at 0.5 x spare (1 + 1 + 1.5) x 4 workers x 100/s = 700/s over the 18 counted seconds:
        // 12600 expected (sd ~112); seeded, tolerance 5 % (the whole 20 s would give 14000)
        assertThat((double) r.requests()).isCloseTo(12_600, org.assertj.core.data.Percentage.withPercentage(5));
    }

    @Test
    void roundRobinSpreadsPicksEvenly() {
        long[] picks = new TailSimulation(SETUP).run(ROUND_ROBIN, null).picks();
        assertThat(picks).hasSize(3);
        assertThat(Math.abs(picks[0] - picks[1])).isLessThanOrEqualTo(1);
        assertThat(Math.abs(picks[1] - picks[2])).isLessThanOrEqualTo(1);
    }
}
