package io.lb4j.pool;

import io.lb4j.api.LoadReport;

/**
 * The latest {@link LoadReport} one member's server sent, with the ticker reading when it arrived: what
 * {@link io.lb4j.api.Endpoint#loadReport()} and {@link io.lb4j.api.Endpoint#loadReportAgeNanos(long)}
 * read. Recording allocates one small pair; a pool whose clients never report never touches it.
 *
 * <p>Thread-safety: one volatile reference to an immutable pair; concurrent reports race and the last
 * write wins, which is what "the latest report" means.
 */
final class ReportedLoad {
    private volatile Sample latest;

    private record Sample(LoadReport report, long nanos) {
    }

    void record(LoadReport report, long nowNanos) {
        latest = new Sample(report, nowNanos);
    }

    LoadReport report() {
        Sample s = latest;
        return s == null ? null : s.report;
    }

    long ageNanos(long nowNanos) {
        Sample s = latest;
        return s == null ? -1 : Math.max(0, nowNanos - s.nanos);
    }
}
