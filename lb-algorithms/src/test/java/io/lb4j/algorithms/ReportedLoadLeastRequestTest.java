package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.LoadReport;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.algorithms.Picks.counts;
import static io.lb4j.algorithms.Picks.inFlight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Seed 7; statistical shares over 100,000 picks within 0.01 (over 6 standard deviations of a binomial share);
 * exact counts where the comparison leaves no choice. Weights are A58's: rps / cpu utilization.
 */
class ReportedLoadLeastRequestTest {
    private static final int PICKS = 100_000;
    private static final double TOLERANCE = 0.01;

    private final ManualTicker ticker = new ManualTicker();
    private final ReportedLoadLeastRequest strategy = new ReportedLoadLeastRequest(ReportedLoadConfig.ofDefaults(),
            ticker, Randoms.seeded(7));

    private static LoadReport report(double rps) {
        return LoadReport.custom().rps(rps).cpuUtilization(1.0).build();
    }

    /** Reports received now on every endpoint, with the given A58 weights (rps at full utilization). */
    private List<Endpoint> reporting(double... weights) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(FakeEndpoint.of("s" + i, 1).report(report(weights[i]), ticker.read()));
        }
        return list;
    }

    private static double share(int[] counts, int i) {
        return counts[i] / (double) PICKS;
    }

    @Test
    void nameAndAlias() {
        assertThat(strategy.name()).isEqualTo("reported-load-least-request");
        assertThat(Strategies.byName("orca-p2c")).isInstanceOf(ReportedLoadLeastRequest.class);
    }

    @Test
    void withoutReportsItIsLeastRequestTheMostLoadedOfThreeIsNeverPicked() {
        List<Endpoint> endpoints = inFlight(FakeEndpoint.weighted(1, 1, 1), 100, 0, 0);
        int[] counts = counts(strategy.newPicker(endpoints), endpoints, PICKS);
        assertThat(counts[0]).isZero();
        assertThat(share(counts, 1)).isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void configuredWeightsAreIgnored() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(1, 9);
        int[] counts = counts(strategy.newPicker(endpoints), endpoints, PICKS);
        assertThat(share(counts, 1)).as("no reports: equal weights, idle: the first candidate")
                .isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void duringTheBlackoutReportedWeightsAreNotUsed() {
        List<Endpoint> endpoints = reporting(100, 300);
        Picker picker = strategy.newPicker(endpoints);
        ticker.advance(Duration.ofSeconds(9)); // blackout is 10 s
        counts(picker, endpoints, 1000); // any refresh happens
        assertThat(share(counts(picker, endpoints, PICKS), 1)).isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void withNothingInFlightTheBiggerServerWinsEveryPair() {
        List<Endpoint> endpoints = reporting(100, 300);
        ticker.advance(Duration.ofSeconds(11));
        // (0 + 1) / 300 < (0 + 1) / 100: whichever is drawn first, the pair goes to s1.
        assertThat(counts(strategy.newPicker(endpoints), endpoints, PICKS)).containsExactly(0, PICKS);
    }

    @Test
    void theSmallerExpectedDelayWinsTiesGoToTheFirstCandidate() {
        // Weights 1, 1, 4 (the first candidate drawn with 1/6, 1/6, 4/6); (load + 1) / weight = 2, 1, 1.
        // first s0: the other is better, s1 or s2 with 1/2 each -> 1/12 each;
        // first s1: beats s0, ties s2 -> s1 (1/6); first s2: beats s0, ties s1 -> s2 (4/6).
        List<Endpoint> endpoints = inFlight(reporting(100, 100, 400), 1, 0, 3);
        ticker.advance(Duration.ofSeconds(11));
        int[] counts = counts(strategy.newPicker(endpoints), endpoints, PICKS);
        assertThat(counts[0]).isZero();
        assertThat(share(counts, 1)).isCloseTo(0.25, within(TOLERANCE));
        assertThat(share(counts, 2)).isCloseTo(0.75, within(TOLERANCE));
    }

    @Test
    void aBigServerBusyWithOtherWorkLosesToAnIdleSmallOne() {
        // s1 reports 4x the capacity but this client already has 4 requests there: (4 + 1) / 4 > (0 + 1) / 1.
        List<Endpoint> endpoints = inFlight(reporting(100, 400), 0, 4);
        ticker.advance(Duration.ofSeconds(11));
        assertThat(counts(strategy.newPicker(endpoints), endpoints, PICKS)).containsExactly(PICKS, 0);
    }

    @Test
    void consecutiveFailuresCountAsLoad() {
        List<Endpoint> endpoints = reporting(100, 100);
        ticker.advance(Duration.ofSeconds(11));
        Endpoint failing = new ForwardingEndpoint(endpoints.get(0), 5);
        List<Endpoint> withFailures = List.of(failing, endpoints.get(1));
        assertThat(counts(strategy.newPicker(withFailures), withFailures, 10_000)).containsExactly(0, 10_000);
    }

    @Test
    void weightsRefreshOnlyOncePerUpdatePeriod() {
        List<Endpoint> endpoints = reporting(100, 300);
        ticker.advance(Duration.ofSeconds(11));
        ReportedLoadLeastRequest.ReportedLoadLeastRequestPicker picker =
                (ReportedLoadLeastRequest.ReportedLoadLeastRequestPicker) strategy.newPicker(endpoints);
        Picks.fake(endpoints, 0).report(report(900), ticker.read());
        ticker.advance(Duration.ofMillis(999));
        assertThat(counts(picker, endpoints, 10_000)).as("within the update period").containsExactly(0, 10_000);
        assertThat(picker.weight(0)).isEqualTo(100);
        ticker.advance(Duration.ofMillis(1));
        counts(picker, endpoints, 1000); // about one pick in 16 checks the deadline
        assertThat(picker.weight(0)).isEqualTo(900);
        assertThat(counts(picker, endpoints, 10_000)).containsExactly(10_000, 0);
    }

    @Test
    void aRampingServerGetsItsRampTimesItsReportedWeight() {
        List<Endpoint> endpoints = reporting(100, 100);
        Picks.fake(endpoints, 1).weight(0.5); // slow start at half its weight of 1
        ticker.advance(Duration.ofSeconds(11));
        ReportedLoadLeastRequest.ReportedLoadLeastRequestPicker picker =
                (ReportedLoadLeastRequest.ReportedLoadLeastRequestPicker) strategy.newPicker(endpoints);
        assertThat(picker.weight(1)).isCloseTo(50, within(1e-9));
        assertThat(counts(picker, endpoints, 10_000)).as("idle: the full-weight server wins").containsExactly(10_000, 0);
    }

    @Test
    void aRepublishKeepsTheBlackoutAndTheWeights() {
        List<Endpoint> endpoints = reporting(100, 300);
        strategy.newPicker(endpoints);
        ticker.advance(Duration.ofSeconds(11));
        assertThat(counts(strategy.newPicker(endpoints), endpoints, 10_000)).containsExactly(0, 10_000);
    }

    @Test
    void constructorRejectsNullNamingTheArgument() {
        assertThatThrownBy(() -> new ReportedLoadLeastRequest(null, ticker, Randoms.seeded(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config");
        assertThatThrownBy(() -> new ReportedLoadLeastRequest(ReportedLoadConfig.ofDefaults(), null, Randoms.seeded(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ticker");
        assertThatThrownBy(() -> new ReportedLoadLeastRequest(ReportedLoadConfig.ofDefaults(), ticker, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("random");
    }

    /** An endpoint with consecutive failures, otherwise the delegate's. */
    private static final class ForwardingEndpoint implements Endpoint {
        private final Endpoint delegate;
        private final int failures;

        ForwardingEndpoint(Endpoint delegate, int failures) {
            this.delegate = delegate;
            this.failures = failures;
        }

        @Override
        public io.lb4j.api.Server server() {
            return delegate.server();
        }

        @Override
        public double weight() {
            return delegate.weight();
        }

        @Override
        public int inFlight() {
            return delegate.inFlight();
        }

        @Override
        public int consecutiveFailures() {
            return failures;
        }

        @Override
        public double latencyNanos() {
            return delegate.latencyNanos();
        }

        @Override
        public boolean hasLatencySample() {
            return delegate.hasLatencySample();
        }

        @Override
        public io.lb4j.api.HealthState state() {
            return delegate.state();
        }

        @Override
        public LoadReport loadReport() {
            return delegate.loadReport();
        }

        @Override
        public long loadReportAgeNanos(long nowNanos) {
            return delegate.loadReportAgeNanos(nowNanos);
        }
    }
}
