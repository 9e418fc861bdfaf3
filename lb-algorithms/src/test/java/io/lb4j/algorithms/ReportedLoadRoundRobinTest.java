package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.LoadReport;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ReportedLoadRoundRobinTest {
    /** Enough picks for every endpoint to see many full stride generations; shares are exact to ~1%. */
    private static final int PICKS = 70_000;

    private final ManualTicker ticker = new ManualTicker();
    private final ReportedLoadRoundRobin strategy = new ReportedLoadRoundRobin(ReportedLoadConfig.ofDefaults(), ticker,
            Randoms.seeded(7));

    private static LoadReport report(double rps, double cpu) {
        return LoadReport.custom().rps(rps).cpuUtilization(cpu).build();
    }

    private static double[] shares(Picker picker, List<Endpoint> endpoints) {
        int[] counts = Picks.counts(picker, endpoints, PICKS);
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            shares[i] = counts[i] / (double) PICKS;
        }
        return shares;
    }

    /** Reports on every endpoint received now; weights rps / cpu. */
    private List<Endpoint> reporting(double... rpsPerCpu) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < rpsPerCpu.length; i++) {
            list.add(FakeEndpoint.of("s" + i, 1).report(report(rpsPerCpu[i], 1.0), ticker.read()));
        }
        return list;
    }

    @Test
    void weightIsQpsOverUtilizationPlusErrorPenalty() {
        LoadReport r = LoadReport.custom().rps(100).cpuUtilization(0.5).eps(10).build();
        assertThat(ReportedLoadRoundRobin.weightOf(r, 1.0)).isCloseTo(100 / (0.5 + 0.1), within(1e-9));
        assertThat(ReportedLoadRoundRobin.weightOf(r, 0.0)).isCloseTo(200, within(1e-9));
    }

    @Test
    void applicationUtilizationTakesPrecedenceOverCpu() {
        LoadReport r = LoadReport.custom().rps(100).cpuUtilization(0.5).applicationUtilization(0.25).build();
        assertThat(ReportedLoadRoundRobin.weightOf(r, 1.0)).isCloseTo(400, within(1e-9));
    }

    @Test
    void reportWithoutQpsOrUtilizationHasNoWeight() {
        assertThat(ReportedLoadRoundRobin.weightOf(LoadReport.custom().cpuUtilization(0.5).build(), 1)).isZero();
        assertThat(ReportedLoadRoundRobin.weightOf(LoadReport.custom().rps(10).build(), 1)).isZero();
    }

    @Test
    void aWeightThatWouldOverflowIsCappedAtTheLargestReportValue() {
        LoadReport r = LoadReport.custom().cpuUtilization(1e-300).rps(1e15).build(); // 1e315: not a finite double
        assertThat(ReportedLoadRoundRobin.weightOf(r, 1.0)).isEqualTo(LoadReport.MAX_VALUE);
    }

    @Test
    void duringTheBlackoutEveryServerGetsAnEqualShare() {
        List<Endpoint> endpoints = reporting(100, 200, 400);
        Picker picker = strategy.newPicker(endpoints);
        ticker.advance(Duration.ofSeconds(9)); // blackout is 10 s
        double[] shares = shares(picker, endpoints);
        assertThat(shares[0]).isCloseTo(1 / 3.0, within(0.01));
        assertThat(shares[2]).isCloseTo(1 / 3.0, within(0.01));
    }

    @Test
    void afterTheBlackoutSharesFollowReportedWeights() {
        List<Endpoint> endpoints = reporting(100, 200, 400);
        Picker picker = strategy.newPicker(endpoints);
        ticker.advance(Duration.ofSeconds(11));
        shares(picker, endpoints); // the first picks after the period rebuild the schedule
        double[] shares = shares(picker, endpoints);
        assertThat(shares[0]).isCloseTo(1 / 7.0, within(0.01));
        assertThat(shares[1]).isCloseTo(2 / 7.0, within(0.01));
        assertThat(shares[2]).isCloseTo(4 / 7.0, within(0.01));
    }

    @Test
    void aServerWithoutReportsGetsTheMeanWeight() {
        List<Endpoint> endpoints = reporting(100, 300);
        endpoints.add(FakeEndpoint.of("silent", 1));
        ticker.advance(Duration.ofSeconds(11));
        Picker picker = strategy.newPicker(endpoints);
        double[] shares = shares(picker, endpoints);
        assertThat(shares[0]).isCloseTo(100 / 600.0, within(0.01));
        assertThat(shares[1]).isCloseTo(300 / 600.0, within(0.01));
        assertThat(shares[2]).isCloseTo(200 / 600.0, within(0.01));
    }

    @Test
    void expiredWeightsFallBackToEqualShares() {
        List<Endpoint> endpoints = reporting(100, 400);
        ticker.advance(Duration.ofSeconds(11));
        Picker picker = strategy.newPicker(endpoints);
        assertThat(shares(picker, endpoints)[1]).isCloseTo(0.8, within(0.01));
        ticker.advance(Duration.ofMinutes(3)); // no report for the expiration period
        shares(picker, endpoints);
        assertThat(shares(picker, endpoints)[1]).isCloseTo(0.5, within(0.01));
    }

    @Test
    void aReportAfterExpiryStartsTheBlackoutAgain() {
        List<Endpoint> endpoints = reporting(100, 400);
        ticker.advance(Duration.ofSeconds(11));
        Picker picker = strategy.newPicker(endpoints);
        ticker.advance(Duration.ofMinutes(3));
        shares(picker, endpoints); // expires both weights
        Picks.fake(endpoints, 0).report(report(100, 1), ticker.read());
        Picks.fake(endpoints, 1).report(report(400, 1), ticker.read());
        ticker.advance(Duration.ofSeconds(5));
        shares(picker, endpoints);
        assertThat(shares(picker, endpoints)[1]).as("in the new blackout").isCloseTo(0.5, within(0.01));
        ticker.advance(Duration.ofSeconds(6));
        shares(picker, endpoints);
        assertThat(shares(picker, endpoints)[1]).isCloseTo(0.8, within(0.01));
    }

    @Test
    void aReportWithoutUsableWeightKeepsThePreviousWeight() {
        List<Endpoint> endpoints = reporting(100, 400);
        ticker.advance(Duration.ofSeconds(11));
        Picker picker = strategy.newPicker(endpoints);
        Picks.fake(endpoints, 1).report(LoadReport.custom().cpuUtilization(0.9).build(), ticker.read());
        ticker.advance(Duration.ofSeconds(2));
        shares(picker, endpoints);
        assertThat(shares(picker, endpoints)[1]).isCloseTo(0.8, within(0.01));
    }

    @Test
    void weightsRefreshOnlyOncePerUpdatePeriod() {
        List<Endpoint> endpoints = reporting(100, 100);
        ticker.advance(Duration.ofSeconds(11));
        ReportedLoadRoundRobin.ReportedLoadPicker picker =
                (ReportedLoadRoundRobin.ReportedLoadPicker) strategy.newPicker(endpoints);
        int before = picker.scaledWeight(1);
        Picks.fake(endpoints, 1).report(report(300, 1), ticker.read());
        ticker.advance(Duration.ofMillis(999));
        shares(picker, endpoints);
        assertThat(picker.scaledWeight(1)).as("within the update period").isEqualTo(before);
        ticker.advance(Duration.ofMillis(1));
        Picks.counts(picker, endpoints, ReportedLoadRoundRobin.CHECK_EVERY * 2);
        assertThat(picker.scaledWeight(1)).isEqualTo(StaticStrideSchedule.MAX_WEIGHT);
        assertThat(picker.scaledWeight(0)).isEqualTo(Math.round(StaticStrideSchedule.MAX_WEIGHT / 3.0));
    }

    @Test
    void weightsAreClampedToTenTimesTheMean() {
        List<Endpoint> endpoints = reporting(1, 1, 1, 1, 1, 1, 1, 1, 1, 1_000_000);
        ticker.advance(Duration.ofSeconds(11));
        double[] shares = shares(strategy.newPicker(endpoints), endpoints);
        // mean = (9 + 1e6) / 10; the big one is clamped to 10 × mean, the small ones raised to 0.1 × mean
        assertThat(shares[9] / shares[0]).isCloseTo(100, within(2.0));
    }

    @Test
    void aRampingServerGetsItsRampedShareOfItsReportedWeight() {
        List<Endpoint> endpoints = reporting(100, 100);
        Picks.fake(endpoints, 1).weight(0.5); // slow start at half its weight of 1
        ticker.advance(Duration.ofSeconds(11));
        double[] shares = shares(strategy.newPicker(endpoints), endpoints);
        assertThat(shares[1]).isCloseTo(1 / 3.0, within(0.01));
    }

    @Test
    void aRepublishKeepsTheBlackoutAndTheWeights() {
        List<Endpoint> endpoints = reporting(100, 400);
        strategy.newPicker(endpoints);
        ticker.advance(Duration.ofSeconds(11));
        double[] shares = shares(strategy.newPicker(endpoints), endpoints);
        assertThat(shares[1]).isCloseTo(0.8, within(0.01));
    }

    @Test
    void configRejectsOutOfRangeValuesNamingTheField() {
        assertThatThrownBy(() -> ReportedLoadConfig.custom().weightUpdatePeriod(Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weightUpdatePeriod")
                .hasMessageContaining("PT0.099S");
        assertThatThrownBy(() -> ReportedLoadConfig.custom().errorUtilizationPenalty(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errorUtilizationPenalty");
        assertThatThrownBy(() -> ReportedLoadConfig.custom().blackoutPeriod(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blackoutPeriod");
        assertThatThrownBy(() -> ReportedLoadConfig.custom().weightExpirationPeriod(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weightExpirationPeriod");
    }
}
