package io.lb4j.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lb4j.api.Endpoint;
import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;
import io.lb4j.api.Ticker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pool's live endpoint for one server, kept for as long as the server is a member so that
 * counters and the latency average survive every republish.
 *
 * <p>Thread-safety: counters are atomics; the latency average and the passive-health tracker are
 * guarded by this object's monitor (held for a few arithmetic operations, never while taking the
 * pool's lock); everything the pool decides (state, weight, ejection) is written under the pool's
 * update lock and read through volatiles.
 */
final class Member implements Endpoint {
    private final Ticker ticker;
    private final double decayNanos;

    volatile Server server;
    /** Read by every least-connections scan: a field of the member itself, not a separate atomic object. */
    private static final AtomicIntegerFieldUpdater<Member> IN_FLIGHT =
            AtomicIntegerFieldUpdater.newUpdater(Member.class, "inFlight");
    private volatile int inFlight;
    final LongAdder picks = new LongAdder();
    final LongAdder successes = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder drops = new LongAdder();

    // --- written by the pool under its lock ---
    volatile double weight;
    volatile HealthState state = HealthState.UP;
    volatile boolean adminDown;
    volatile boolean draining;
    volatile boolean removed;
    volatile CompletableFuture<Void> drained;
    /** Start of the slow-start ramp, valid while {@link #ramping}. */
    volatile long rampStart;
    volatile boolean ramping;
    /** Whether this member is in the published eligible set. */
    volatile boolean eligible;

    // --- peak EWMA, guarded by this ---
    private volatile double cost;
    private volatile long stamp;
    private volatile boolean sampled;

    // --- passive health (nginx), guarded by this ---
    volatile int failCount;
    long windowStart;
    /** Restored after fail_timeout with failures still counted: one more failure ejects again. */
    volatile boolean probation;
    /** Passive health wants this member out (since {@link #passiveSince}). */
    volatile boolean passiveEjected;
    volatile long passiveSince;
    volatile String passiveReason = "";

    // --- passive health (circuit breaker) ---
    final CircuitBreaker breaker;
    volatile long breakerOpenSince;
    /** HALF_OPEN: each pick must take one of the breaker's trial permits. */
    volatile boolean gated;

    // --- active health, guarded by this ---
    int consecutivePassed;
    int consecutiveFailed;
    volatile boolean activeDown;
    volatile long activeSince;
    volatile String activeDetail = "";

    Member(Server server, Ticker ticker, long decayNanos, CircuitBreaker breaker) {
        this.server = server;
        this.ticker = ticker;
        this.decayNanos = decayNanos;
        this.breaker = breaker;
        this.weight = server.weight();
    }

    int incrementInFlight() {
        return IN_FLIGHT.incrementAndGet(this);
    }

    int decrementInFlight() {
        return IN_FLIGHT.decrementAndGet(this);
    }

    String id() {
        return server.id();
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
    public double latencyNanos() {
        if (!sampled) {
            return 0;
        }
        long td = ticker.read() - stamp;
        return td <= 0 ? cost : cost * Math.exp(-td / decayNanos);
    }

    @Override
    public boolean hasLatencySample() {
        return sampled;
    }

    @Override
    public HealthState state() {
        return state;
    }

    /** Finagle's PeakEwma.observe: a peak is taken at once, a lower sample is averaged in with weight exp(-Δt/τ). */
    synchronized void observeLatency(long rttNanos, long now) {
        double rtt = rttNanos;
        if (!sampled) {
            cost = rtt;
            sampled = true;
        } else {
            long td = Math.max(now - stamp, 0);
            double w = Math.exp(-td / decayNanos);
            cost = rtt > cost ? rtt : cost * w + rtt * (1 - w);
        }
        stamp = now;
    }

    /** Whether health checking (passive or active) wants this member ejected. */
    boolean wantsEjection() {
        return passiveEjected || activeDown || breakerOpen();
    }

    boolean breakerOpen() {
        if (breaker == null) {
            return false;
        }
        CircuitBreaker.State s = breaker.getState();
        return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
    }

    /** When health checking first wanted this member out; orders ejections under the max-ejection cap. */
    long ejectionSince() {
        long since = Long.MAX_VALUE;
        if (passiveEjected) {
            since = passiveSince;
        }
        if (activeDown && activeSince - since < 0) {
            since = activeSince;
        }
        if (breakerOpen() && breakerOpenSince - since < 0) {
            since = breakerOpenSince;
        }
        return since;
    }

    EndpointStats stats() {
        return new EndpointStats(server, state, eligible || state == HealthState.UP ? weight : 0, inFlight,
                picks.sum(), successes.sum(), failures.sum(), drops.sum(), latencyNanos());
    }

    @Override
    public String toString() {
        return server.id() + "[" + state + ", weight=" + weight + ", inFlight=" + inFlight + "]";
    }
}
