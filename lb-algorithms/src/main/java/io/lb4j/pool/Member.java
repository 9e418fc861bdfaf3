package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthState;
import io.lb4j.api.LoadReport;
import io.lb4j.api.Server;
import io.lb4j.api.Ticker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pool's live endpoint for one server, kept for as long as the server is a member so that counters,
 * the latency estimate and the health record survive every republish. It holds what the hot path needs
 * (in-flight count, counters, latency) and one object per health concern: the passive tracker, the active
 * probe record; the pool's decisions (state, weight, ramp, eligibility) are written under the pool's
 * update lock and read through volatiles.
 *
 * <p>What each request writes (in flight, successes, consecutive failures, and the peak-EWMA estimate this
 * member inherits from {@link LatencyEstimator}) lives in {@link MemberHot}, in a cache line of its own: the
 * class hierarchy is there for memory layout, as in JCTools' queues.
 *
 * <p>Thread-safety: counters are atomics; see {@link LatencyEstimator}, {@link PassiveTracker} and
 * {@link ProbeState} for theirs.
 */
final class Member extends MemberPadAfter implements Endpoint {
    /** A failing server's penalty load for least-request counts at most this many failures. */
    static final int MAX_PENALTY = 8;

    final Ticker ticker;
    volatile Server server;
    final LongAdder failures = new LongAdder();
    final LongAdder drops = new LongAdder();
    final ProbeState probe = new ProbeState();
    /** The server's latest load report (issue 14), written by {@link PoolLease#report}. */
    final ReportedLoad reportedLoad = new ReportedLoad();
    /** What {@link Picks#choose} returns for this member when a trial permit was taken for it. */
    final Trial trial = new Trial(this);
    /** Set once, right after construction, by the pool. */
    PassiveTracker passive = PassiveTracker.NONE;

    // --- written by the pool under its lock ---
    volatile double weight;
    volatile HealthState state = HealthState.UP;
    volatile boolean adminDown;
    volatile boolean draining;
    /** Left the pool by {@code update}: dropped once drained. */
    volatile boolean leaving;
    volatile boolean removed;
    volatile CompletableFuture<Void> drained;
    /** Start of the slow-start ramp, valid while {@link #ramping}. */
    volatile long rampStart;
    volatile boolean ramping;
    /** Whether this member is in the published eligible set. */
    volatile boolean eligible;
    /** An outlier the ejection cap keeps in rotation (logged once when it starts). */
    volatile boolean heldBack;
    /** Removed from the membership by {@code update} while an operator had not drained it. */
    volatile boolean drainedByUpdate;
    /** HALF_OPEN breaker: each pick must take one of its trial permits. */
    volatile boolean gated;

    Member(Server server, Ticker ticker, long decayNanos) {
        super(decayNanos);
        this.server = server;
        this.ticker = ticker;
        this.weight = server.weight();
    }

    String id() {
        return server.id();
    }

    void succeeded() {
        if (consecutiveFailures != 0) {
            consecutiveFailures = 0;
        }
    }

    void failed() {
        int f = consecutiveFailures;
        if (f < MAX_PENALTY) {
            consecutiveFailures = f + 1; // a lost update under a race only undercounts the penalty
        }
    }

    void clearPenalty() {
        consecutiveFailures = 0;
    }

    @Override
    public Server server() {
        return server;
    }

    @Override
    public double weight() {
        return weight;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    @Override
    public double latencyNanos() {
        return at(ticker.read());
    }

    @Override
    public double latencyNanos(long nowNanos) {
        return at(nowNanos);
    }

    @Override
    public boolean hasLatencySample() {
        return sampled();
    }

    @Override
    public HealthState state() {
        return state;
    }

    @Override
    public LoadReport loadReport() {
        return reportedLoad.report();
    }

    @Override
    public long loadReportAgeNanos(long nowNanos) {
        return reportedLoad.ageNanos(nowNanos);
    }

    EndpointStats stats() {
        return new EndpointStats(server, state, eligible || state == HealthState.UP ? weight : 0, inFlight,
                picks(), successes, failures.sum(), drops.sum(), latencyNanos());
    }

    /**
     * Leases taken: each is either still in flight or completed exactly once (success, failure or drop),
     * so the sum needs no counter of its own on the request path. Read without a lock, the parts may be
     * a request apart.
     */
    long picks() {
        long completed = successes + failures.sum() + drops.sum();
        return completed + inFlight;
    }

    /**
     * A member chosen with one of its trial permits (a half-open breaker's, nginx's one trial after
     * {@code fail_timeout}): one per member, allocated with it, so a pick returns which it was without
     * allocating.
     */
    static final class Trial {
        final Member member;

        private Trial(Member member) {
            this.member = member;
        }
    }

    @Override
    public String toString() {
        return server.id() + "[" + state + ", weight=" + weight + ", inFlight=" + inFlight + "]";
    }
}
