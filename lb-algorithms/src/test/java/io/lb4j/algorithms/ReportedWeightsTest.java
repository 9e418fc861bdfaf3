package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.LoadReport;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReportedWeightsTest {

    private static final long SECOND = 1_000_000_000L;

    /** Blackout 10 s, expiration 60 s, penalty 1. */
    private static final ReportedLoadConfig CONFIG = ReportedLoadConfig.custom()
            .blackoutPeriod(Duration.ofSeconds(10)).weightExpirationPeriod(Duration.ofSeconds(60))
            .errorUtilizationPenalty(1.0).build();

    private static final ReportedLoadConfig NO_BLACKOUT = ReportedLoadConfig.custom()
            .blackoutPeriod(Duration.ZERO).weightExpirationPeriod(Duration.ofSeconds(60)).build();

    private static LoadReport report(double rps, double cpu) {
        return LoadReport.custom().rps(rps).cpuUtilization(cpu).build();
    }

    private static Endpoint[] endpoints(FakeEndpoint... es) {
        return es;
    }

    private static double[] weightsAt(ReportedWeights rw, Endpoint[] es, long now) {
        return rw.weights(es, rw.states(es), null, now);
    }

    @Test
    void weightIsQpsOverUtilization() {
        assertThat(ReportedWeights.weightOf(report(100, 0.5), 1.0)).isEqualTo(200.0);
    }

    @Test
    void errorsAddAPenaltyToUtilization() {
        // 100 / (0.5 + 50 / 100 * 1) = 100
        LoadReport r = LoadReport.custom().rps(100).cpuUtilization(0.5).eps(50).build();
        assertThat(ReportedWeights.weightOf(r, 1.0)).isEqualTo(100.0);
    }

    @Test
    void applicationUtilizationIsPreferredOverCpu() {
        LoadReport r = LoadReport.custom().rps(100).cpuUtilization(0.5).applicationUtilization(0.25).build();
        assertThat(ReportedWeights.weightOf(r, 0)).isEqualTo(400.0);
    }

    @Test
    void aReportWithoutQpsOrUtilizationWeighsZero() {
        assertThat(ReportedWeights.weightOf(report(0, 0.5), 1.0)).isZero();
        assertThat(ReportedWeights.weightOf(report(100, 0), 1.0)).isZero();
    }

    @Test
    void weightIsCappedAtLoadReportMaxValue() {
        assertThat(ReportedWeights.weightOf(report(1e15, 1e-300), 1.0)).isEqualTo(LoadReport.MAX_VALUE);
    }

    @Test
    void serversWithoutAReportGetOneWhenNobodyHasOne() {
        ReportedWeights rw = new ReportedWeights(CONFIG);
        Endpoint[] es = endpoints(FakeEndpoint.of("a", 1), FakeEndpoint.of("b", 1));
        assertThat(weightsAt(rw, es, 0)).containsExactly(1.0, 1.0);
    }

    @Test
    void aServerWithoutAReportGetsTheMeanOfTheOthers() {
        ReportedWeights rw = new ReportedWeights(NO_BLACKOUT);
        Endpoint[] es = endpoints(FakeEndpoint.of("a", 1).report(report(100, 1), 0),
                FakeEndpoint.of("b", 1).report(report(300, 1), 0), FakeEndpoint.of("c", 1));
        assertThat(weightsAt(rw, es, SECOND)).containsExactly(100.0, 300.0, 200.0);
    }

    @Test
    void aReportIsNotCountedDuringTheBlackout() {
        ReportedWeights rw = new ReportedWeights(CONFIG);
        Endpoint[] es = endpoints(FakeEndpoint.of("a", 1).report(report(100, 1), 0),
                FakeEndpoint.of("b", 1).report(report(300, 1), 0));
        ReportedWeights.ServerWeight[] states = rw.states(es);
        assertThat(rw.weights(es, states, null, 9 * SECOND)).containsExactly(1.0, 1.0);
        assertThat(rw.weights(es, states, null, 10 * SECOND)).containsExactly(100.0, 300.0);
    }

    @Test
    void aWeightExpiresWhenNoNewReportArrives() {
        ReportedWeights rw = new ReportedWeights(NO_BLACKOUT);
        Endpoint[] es = endpoints(FakeEndpoint.of("a", 1).report(report(100, 1), 0),
                FakeEndpoint.of("b", 1).report(report(300, 1), 0));
        ReportedWeights.ServerWeight[] states = rw.states(es);
        ((FakeEndpoint) es[1]).report(report(300, 1), 59 * SECOND);
        // a's report is 60 s old: expired, it gets b's weight as the mean
        assertThat(rw.weights(es, states, null, 60 * SECOND)).containsExactly(300.0, 300.0);
    }

    @Test
    void afterExpiryTheBlackoutStartsAgain() {
        ReportedWeights rw = new ReportedWeights(CONFIG);
        FakeEndpoint a = FakeEndpoint.of("a", 1).report(report(100, 1), 0);
        Endpoint[] es = endpoints(a);
        ReportedWeights.ServerWeight[] states = rw.states(es);
        assertThat(rw.weights(es, states, null, 10 * SECOND)).containsExactly(100.0);
        assertThat(rw.weights(es, states, null, 60 * SECOND)).containsExactly(1.0);
        a.report(report(200, 1), 61 * SECOND);
        assertThat(rw.weights(es, states, null, 62 * SECOND)).containsExactly(1.0);
        assertThat(rw.weights(es, states, null, 71 * SECOND)).containsExactly(200.0);
    }

    @Test
    void rampsMultiplyTheWeights() {
        ReportedWeights rw = new ReportedWeights(NO_BLACKOUT);
        Endpoint[] es = endpoints(FakeEndpoint.of("a", 1).report(report(100, 1), 0),
                FakeEndpoint.of("b", 1).report(report(300, 1), 0));
        assertThat(rw.weights(es, rw.states(es), new double[] {0.5, 1.0}, SECOND))
                .containsExactly(new double[] {50.0, 300.0}, within(1e-9));
    }

    @Test
    void aZeroRampStillLeavesAPositiveWeight() {
        ReportedWeights rw = new ReportedWeights(NO_BLACKOUT);
        Endpoint[] es = endpoints(FakeEndpoint.of("a", 1));
        assertThat(rw.weights(es, rw.states(es), new double[] {0.0}, 0)).containsExactly(Double.MIN_NORMAL);
    }

    @Test
    void recordsAreKeptAcrossStatesCallsByServerId() {
        ReportedWeights rw = new ReportedWeights(CONFIG);
        Endpoint[] es = endpoints(FakeEndpoint.of("a", 1), FakeEndpoint.of("b", 1));
        ReportedWeights.ServerWeight[] first = rw.states(es);
        ReportedWeights.ServerWeight[] again = rw.states(endpoints(FakeEndpoint.of("b", 1)));
        assertThat(again[0]).isSameAs(first[1]);
    }

    @Test
    void aServerThatLeavesLosesItsRecord() {
        ReportedWeights rw = new ReportedWeights(CONFIG);
        ReportedWeights.ServerWeight[] first = rw.states(endpoints(FakeEndpoint.of("a", 1), FakeEndpoint.of("b", 1)));
        rw.states(endpoints(FakeEndpoint.of("b", 1)));
        ReportedWeights.ServerWeight[] back = rw.states(endpoints(FakeEndpoint.of("a", 1)));
        assertThat(back[0]).isNotSameAs(first[0]);
    }
}
