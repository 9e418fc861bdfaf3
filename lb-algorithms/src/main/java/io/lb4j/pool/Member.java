package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthState;
import io.lb4j.api.LoadReport;
import io.lb4j.api.Server;
import io.lb4j.api.Ticker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pool's live endpoint for one server, kept for as long as the server is a member so that counters,
 * the latency estimate and the health record survive every republish. It holds what the hot path needs
 * (in-flight count, counters, latency) and one object per health concern: the passive tracker, the active
 * probe record; the pool's decisions (state, weight, ramp, eligibility) are written under the pool's
 * update lock and read through volatiles.
 *
 * <p>What each request writes (in flight, successes, and the peak-EWMA estimate this
 * member inherits from {@link LatencyEstimator}) lives in {@link MemberHot}, in a cache line of its own: the
 * class hierarchy is there for memory layout, as in JCTools' queues.
 *
 * <p>With a strategy that does not read load, the member is <em>striped</em>: each thread counts its
 * requests in its own stripe ({@link #hot(int)}: this member for stripe 0, a {@link HotStripe} for the
 * others), so that threads completing requests on one server never write one cache line, and the reads
 * ({@link #inFlight()}, {@link #successes()}, {@link #latencyAt(long)}) combine the stripes. A lease
 * counts in the stripe of the thread that acquired it, wherever it completes.
 *
 * <p>Thread-safety: counters are atomics; see {@link LatencyEstimator}, {@link PassiveTracker} and
 * {@link ProbeState} for theirs.
 */
final class Member extends MemberPadAfter implements Endpoint {
    /** A failing server's penalty load for least-request counts at most this many failures. */
    static final int MAX_PENALTY = 8;
    /**
     * Stripes of a striped member's counters: the processors rounded up to a power of two, at most 8 (1 on
     * one processor: no striping).
     */
    static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());
    private static final VarHandle STRIPE = MethodHandles.arrayElementVarHandle(MemberHot[].class);
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_STRIPE = new java.util.concurrent.atomic.AtomicInteger();
    private static final ThreadLocal<int[]> STRIPE_OF_THREAD =
            ThreadLocal.withInitial(() -> new int[] {NEXT_STRIPE.getAndIncrement() & (STRIPES - 1)});

    /**
     * Per-thread stripes of the hot counters, for a strategy that does not read load; null otherwise. Element
     * 0 is this member; the others are created on first use.
     */
    private final MemberHot[] stripes;
    private final long decayNanos;
    /** Failures since the last success, at most {@link #MAX_PENALTY}; written only when it changes. */
    volatile int consecutiveFailures;

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

    /**
     * @param stripes 1 for a member whose counters are read by the strategy (not striped), else a power of
     *                two, {@link #STRIPES} in a pool
     */
    Member(Server server, Ticker ticker, long decayNanos, int stripes) {
        super(decayNanos);
        this.server = server;
        this.ticker = ticker;
        this.weight = server.weight();
        this.decayNanos = decayNanos;
        if (stripes < 1 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two, was " + stripes);
        }
        this.stripes = stripes == 1 ? null : new MemberHot[stripes];
        if (this.stripes != null) {
            this.stripes[0] = this;
        }
    }

    static int stripes(int processors) {
        int p = Math.max(1, Math.min(8, processors));
        return p == 1 ? 1 : Integer.highestOneBit(p - 1) << 1;
    }

    /**
     * The calling thread's stripe, handed out in the order threads first ask (not by thread id, whose
     * low bits two busy threads may share): the first {@link #STRIPES} threads never share one.
     */
    static int stripe() {
        return STRIPE_OF_THREAD.get()[0];
    }

    /** Where a request of stripe {@code stripe} counts: this member, or its stripe when it is striped. */
    MemberHot hot(int stripe) {
        MemberHot[] s = stripes;
        if (s == null || stripe == 0) {
            return this;
        }
        int i = stripe & (s.length - 1);
        MemberHot h = (MemberHot) STRIPE.getAcquire(s, i);
        return h != null ? h : newStripe(s, i);
    }

    private MemberHot newStripe(MemberHot[] s, int stripe) {
        MemberHot h = new HotStripe(decayNanos);
        MemberHot won = (MemberHot) STRIPE.compareAndExchangeRelease(s, stripe, null, h);
        return won == null ? h : won;
    }

    /** Successful completions, over all stripes. */
    long successes() {
        MemberHot[] s = stripes;
        if (s == null) {
            return successes;
        }
        long n = 0;
        for (int i = 0; i < s.length; i++) {
            MemberHot h = (MemberHot) STRIPE.getAcquire(s, i);
            n += h == null ? 0 : h.successes;
        }
        return n;
    }

    /** The latency estimate at {@code now}: over all stripes, the highest (a peak estimate, as each is). */
    double latencyAt(long now) {
        MemberHot[] s = stripes;
        if (s == null) {
            return at(now);
        }
        double max = 0;
        for (int i = 0; i < s.length; i++) {
            MemberHot h = (MemberHot) STRIPE.getAcquire(s, i);
            max = h == null ? max : Math.max(max, h.at(now));
        }
        return max;
    }

    /** The latency estimate as of the last sample, over all stripes (the highest). */
    double costEstimate() {
        MemberHot[] s = stripes;
        if (s == null) {
            return lastCost();
        }
        double max = 0;
        for (int i = 0; i < s.length; i++) {
            MemberHot h = (MemberHot) STRIPE.getAcquire(s, i);
            max = h == null ? max : Math.max(max, h.lastCost());
        }
        return max;
    }

    private boolean anySampled() {
        MemberHot[] s = stripes;
        if (s == null) {
            return sampled();
        }
        for (int i = 0; i < s.length; i++) {
            MemberHot h = (MemberHot) STRIPE.getAcquire(s, i);
            if (h != null && h.sampled()) {
                return true;
            }
        }
        return false;
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
        MemberHot[] s = stripes;
        if (s == null) {
            return inFlight;
        }
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            MemberHot h = (MemberHot) STRIPE.getAcquire(s, i);
            n += h == null ? 0 : h.inFlight;
        }
        return n;
    }

    @Override
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    @Override
    public double latencyNanos() {
        return latencyAt(ticker.read());
    }

    @Override
    public double latencyNanos(long nowNanos) {
        return latencyAt(nowNanos);
    }

    @Override
    public boolean hasLatencySample() {
        return anySampled();
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
        return new EndpointStats(server, state, eligible || state == HealthState.UP ? weight : 0, inFlight(),
                picks(), successes(), failures.sum(), drops.sum(), latencyNanos());
    }

    /**
     * Leases taken: each is either still in flight or completed exactly once (success, failure or drop),
     * so the sum needs no counter of its own on the request path. Read without a lock, the parts may be
     * a request apart.
     */
    long picks() {
        long completed = successes() + failures.sum() + drops.sum();
        return completed + inFlight();
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
        return server.id() + "[" + state + ", weight=" + weight + ", inFlight=" + inFlight() + "]";
    }
}
