package io.lb4j.benchmarks.sim;

import io.lb4j.okhttp.RetryBudgetConfig;
import org.HdrHistogram.Histogram;

import static io.lb4j.benchmarks.sim.TailEvents.SECOND;

/**
 * What {@link TailSimulation} measures of the requests counted after the warm-up: the latency histogram (in
 * microseconds, arrival to first answer), failures, hedges and retries overall and for requests arriving in
 * the fleet-wide slowdown, and the requests in the retry budget's window just before it; made into a
 * {@link TailSimulation.Result} at the end.
 *
 * <p>Not thread-safe: used by one single-threaded simulation run.
 */
final class TailTally {
    private final TailSetup setup;
    private final TailEvents events;
    private final Histogram histogram = new Histogram(3);
    private long requests;
    private long failed;
    private long hedges;
    private long retries;
    private long slowRequests;
    private long slowHedges;
    private long slowRetries;
    private long beforeSlow;

    TailTally(TailSetup setup, TailEvents events) {
        this.setup = setup;
        this.events = events;
    }

    /** A counted request arrived at {@code now}. */
    void arrived(long now) {
        requests++;
        slowRequests += events.inSlowdown(now) ? 1 : 0;
        long from = (long) (setup.slowdownFromSeconds() * SECOND);
        beforeSlow += now < from && now >= from - RetryBudgetConfig.DEFAULT_TTL.toNanos() ? 1 : 0;
    }

    /** A counted request that arrived at {@code arrival} was hedged. */
    void hedged(long arrival) {
        hedges++;
        slowHedges += events.inSlowdown(arrival) ? 1 : 0;
    }

    /** A counted request that arrived at {@code arrival} was retried. */
    void retried(long arrival) {
        retries++;
        slowRetries += events.inSlowdown(arrival) ? 1 : 0;
    }

    /** A counted request ended: answered after {@code latencyNanos}, or failed. */
    void finished(boolean ok, long latencyNanos) {
        if (ok) {
            histogram.recordValue(Math.max(1, latencyNanos / 1000));
        } else {
            failed++;
        }
    }

    TailSimulation.Result result(long[] picks) {
        return new TailSimulation.Result(histogram, requests, failed, hedges, retries, slowRequests, slowHedges,
                slowRetries, beforeSlow, picks);
    }
}
