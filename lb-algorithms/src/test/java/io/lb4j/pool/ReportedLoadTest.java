package io.lb4j.pool;

import io.lb4j.api.LoadReport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ReportedLoad: the latest load report of one endpoint and its age on the pool's clock. */
class ReportedLoadTest {
    private final ReportedLoad load = new ReportedLoad();
    private final LoadReport busy = LoadReport.custom().cpuUtilization(0.9).rps(120).build();
    private final LoadReport idle = LoadReport.custom().cpuUtilization(0.1).rps(5).build();

    @Test
    void withoutAReportThereIsNoReportAndTheAgeIsMinusOne() {
        assertThat(load.report()).isNull();
        assertThat(load.ageNanos(5_000)).isEqualTo(-1);
    }

    @Test
    void aRecordedReportIsReturnedAsIs() {
        load.record(busy, 1_000);
        assertThat(load.report()).isSameAs(busy);
    }

    @Test
    void theAgeIsTheTimeSinceTheReportArrived() {
        load.record(busy, 1_000);
        assertThat(load.ageNanos(1_000)).isZero();
        assertThat(load.ageNanos(1_250)).isEqualTo(250);
        assertThat(load.ageNanos(3_000_001_000L)).isEqualTo(3_000_000_000L);
    }

    @Test
    void theLatestReportReplacesTheOneBeforeWithItsOwnAge() {
        load.record(busy, 1_000);
        load.record(idle, 4_000);
        assertThat(load.report()).isSameAs(idle);
        assertThat(load.ageNanos(4_500)).isEqualTo(500);
    }

    @Test
    void theAgeIsNeverNegativeForAReadingBeforeTheReport() {
        load.record(busy, 10_000);
        assertThat(load.ageNanos(9_000)).isZero();
    }

    @Test
    void theAgeIsRightAcrossTheTickerWrappingAround() {
        load.record(busy, Long.MAX_VALUE - 100);
        assertThat(load.ageNanos(Long.MIN_VALUE + 99)).isEqualTo(200); // nanoTime arithmetic
    }

    @Test
    void theLastOfConcurrentReportsWinsAndEachReadIsOneWholeReport() throws InterruptedException {
        LoadReport[] reports = new LoadReport[64];
        for (int i = 0; i < reports.length; i++) {
            reports[i] = LoadReport.custom().requestsInFlight(i).build();
        }
        Thread[] writers = new Thread[4];
        for (int w = 0; w < writers.length; w++) {
            int offset = w;
            writers[w] = new Thread(() -> {
                for (int i = offset; i < reports.length; i += writers.length) {
                    load.record(reports[i], i);
                }
            });
            writers[w].start();
        }
        for (Thread t : writers) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        LoadReport last = load.report();
        assertThat(reports).contains(last);
        assertThat(load.ageNanos(1_000)).isEqualTo(1_000 - last.requestsInFlight()); // the pair stayed together
    }
}
