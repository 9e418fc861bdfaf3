package io.lb4j.api;

/**
 * One use of one picked server, from {@link Pool#acquire(PickContext)} until the caller reports how
 * the call ended. While a lease is open it counts as one request in flight on its server; completing
 * it feeds the latency (peak EWMA) and the outcome (passive health) back to the pool.
 *
 * <p>Complete every lease exactly once, in a {@code finally} block:
 * <pre>{@code
 * Lease lease = pool.acquire();
 * boolean ok = false;
 * try {
 *     doCall(lease.server());
 *     ok = true;
 * } finally {
 *     if (ok) lease.success(); else lease.failure(error);
 * }
 * }</pre>
 * Completing again is harmless: only the first completion counts.
 *
 * <p>Thread-safety: a lease may be completed on another thread than the one that acquired it
 * (asynchronous clients). Completing the same lease from two threads <em>at the same time</em> is not
 * supported: the guard against a second completion is a plain flag, so that a lease completed in the
 * method that acquired it costs no allocation.
 */
public interface Lease {

    /** The picked server. */
    Server server();

    /** The live endpoint of the picked server. */
    Endpoint endpoint();

    /** Completes with {@link Outcome#SUCCESS}, measuring the latency on the pool's ticker since acquire. */
    void success();

    /**
     * Completes with {@link Outcome#SUCCESS} and a latency the caller measured (e.g. time to response headers).
     * lb4j's pool dates such a completion at the lease's start plus {@code latencyNanos} (for latencies up to
     * 10 s) instead of reading its clock again, so a caller that measures its own latency pays for one clock
     * read per request, not two.
     *
     * @param latencyNanos non-negative; a negative value is treated as an error
     */
    void success(long latencyNanos);

    /**
     * Records a load report the server sent with this call's response (ORCA {@code endpoint-load-metrics}):
     * the pool keeps the latest one per endpoint, with the time it arrived, for strategies that balance by
     * reported load. Call it before completing the lease; after completion it is ignored, and a lease that
     * never reports costs nothing. The default implementation ignores the report.
     *
     * @param report not null
     * @throws IllegalArgumentException for a null report
     */
    default void report(LoadReport report) {
        Checks.notNull("report", report);
    }

    /**
     * {@link #report(LoadReport) Records} the server's load report, when there is one, then completes with
     * {@link Outcome#SUCCESS} and a caller-measured latency.
     *
     * @param latencyNanos non-negative
     * @param report       the server's report, or null when it sent none
     */
    default void success(long latencyNanos, LoadReport report) {
        if (report != null) {
            report(report);
        }
        success(latencyNanos);
    }

    /** Completes with {@link Outcome#FAILURE}; the cause is kept for logs and events, may be null. */
    void failure(Throwable cause);

    /** Completes with {@link Outcome#FAILURE} and a caller-measured latency. */
    void failure(Throwable cause, long latencyNanos);

    /** Completes with {@link Outcome#DROPPED}: the call ended for a reason that says nothing about the server. */
    void drop();

    /**
     * Completes with any outcome.
     *
     * @param outcome      not null
     * @param cause        the failure's cause, or null
     * @param latencyNanos non-negative, or {@code -1} to measure since acquire
     * @throws IllegalArgumentException for a null outcome or a latency below -1
     */
    void complete(Outcome outcome, Throwable cause, long latencyNanos);

    /** Whether this lease has been completed. */
    boolean isCompleted();
}
