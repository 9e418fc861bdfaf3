package io.lb4j.pool;

import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Outcome;
import io.lb4j.api.PickContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * What a pool learns, and from where: completed leases (counters, the latency estimate with its failure
 * penalty, the passive tracker, the end of a drain) and the active checker's results (down, up, and ending
 * a passive ejection after {@code rise} passing probes). Only a real transition asks the pool to republish.
 *
 * <p>Thread-safety: called concurrently by completing callers and checker threads; it keeps no state of
 * its own beyond final fields, and the members' parts are thread-safe.
 */
final class Feedback {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancingPool.class);
    /** The failure penalty never exceeds an hour. */
    private static final double MAX_PENALTY_NANOS = 3_600_000_000_000.0;
    /** The default penalty looks at this many eligible servers at most. */
    private static final int PENALTY_SCAN = 64;

    /** A caller-given latency up to this (10 s) dates its completion without a clock read. */
    static final long TRUSTED_LATENCY_NANOS = 10_000_000_000L;

    private final LoadBalancingPool pool;
    private final long failurePenaltyNanos;
    /** Whether the observer's first failure was logged; a lost race logs it twice at worst. */
    private volatile boolean observerFailed;

    Feedback(LoadBalancingPool pool, long failurePenaltyNanos) {
        this.pool = pool;
        this.failurePenaltyNanos = failurePenaltyNanos;
    }

    /**
     * One completed lease. When a success or drop comes with its latency (at most
     * {@link #TRUSTED_LATENCY_NANOS}), its completion time is taken as the lease's start plus that latency,
     * without reading the clock: the request path then reads it once per request. A failure (which passive
     * health dates), a longer latency, or none reads the clock, so a wrong unit cannot date a sample far
     * into the future.
     *
     * <p>One method larger than C2's hot-inlining limit ({@code FreqInlineSize}, 325 bytecodes) on purpose, like
     * {@link Picks#choose}: it stays a call, so {@code PoolLease.complete} stays small enough to be inlined into
     * the caller with the lease scalar-replaced even when an observer (Micrometer's timer) is inlined here.
     * {@code PicksTest} checks the size.
     */
    void complete(Member m, Outcome outcome, Throwable cause, long latencyNanos, long startNanos, boolean permitted,
                  int stripe) {
        long now;
        long latency;
        if (latencyNanos >= 0 && latencyNanos <= TRUSTED_LATENCY_NANOS && outcome != Outcome.FAILURE) {
            latency = latencyNanos;
            now = startNanos + latencyNanos;
        } else {
            now = m.ticker.read();
            latency = latencyNanos >= 0 ? latencyNanos : Math.max(0, now - startNanos);
        }
        MemberHot hot = m.hot(stripe);
        hot.decrementInFlight();
        switch (outcome) {
            case SUCCESS:
                hot.countSuccess();
                hot.observe(latency, now);
                m.succeeded();
                break;
            case FAILURE:
                m.failures.increment();
                hot.observe(Math.max(latency, failurePenalty(m)), now);
                m.failed();
                break;
            default:
                m.drops.increment();
                break;
        }
        OutcomeObserver observer = pool.observer();
        if (observer != null) {
            try {
                observer.onOutcome(m, outcome, latency);
            } catch (RuntimeException e) {
                observerFailed("an outcome", e);
            }
        }
        if (m.draining && m.inFlight() == 0) { // two completions may both see 0: drained is idempotent
            drained(m);
        }
        if (m.removed) {
            return;
        }
        try {
            if (outcome == Outcome.SUCCESS) {
                m.passive.onSuccess(latency, now);
            } else if (outcome == Outcome.FAILURE) {
                m.passive.onFailure(cause, latency, now);
            } else {
                m.passive.onDrop(permitted);
            }
        } catch (RuntimeException e) {
            log.error("pool '{}': passive health of {} failed on an outcome", pool.poolName(), m.id(), e);
        }
    }

    /** A pick found no server. */
    void noServer(NoAvailableServerException.Reason reason) {
        try {
            pool.observer().onNoServer(reason);
        } catch (RuntimeException e) {
            observerFailed("a pick without server", e);
        }
    }

    void closeObserver() {
        try {
            pool.observer().onClose();
        } catch (RuntimeException e) {
            observerFailed("close", e);
        }
    }

    /** Logs the first failure of the observer only: it runs on every request. */
    private void observerFailed(String what, RuntimeException e) {
        if (!observerFailed) {
            observerFailed = true;
            log.error("pool '{}': outcome observer failed on {} (logged once, later failures are ignored)",
                    pool.poolName(), what, e);
        }
    }

    /**
     * What a failed call costs in the latency estimate at least: the configured failure penalty, or by
     * default twice the slowest estimate among (up to 64 of) the other eligible servers, so that a server that
     * fails fast never looks faster than one that answers. Read only on failures.
     */
    long failurePenalty(Member failing) {
        if (failurePenaltyNanos > 0) {
            return failurePenaltyNanos;
        }
        Member[] e = pool.snapshot().eligible;
        double slowest = 0;
        for (int i = 0, n = Math.min(PENALTY_SCAN, e.length); i < n; i++) {
            if (e[i] != failing) { // never its own estimate: the penalty must not compound
                slowest = Math.max(slowest, e[i].costEstimate());
            }
        }
        return (long) Math.min(2 * slowest, MAX_PENALTY_NANOS);
    }

    private void drained(Member m) {
        CompletableFuture<Void> f = m.drained;
        if (f != null) {
            f.complete(null);
        }
        if (m.leaving && !pool.closed()) {
            pool.changes().apply(() -> {
                Member current = pool.members().get(m.id());
                if (current != m || !m.leaving || m.inFlight() > 0) {
                    return null;
                }
                return Membership.drop(pool, m);
            });
        }
    }

    /**
     * A pick raced a drain: it read the snapshot before the drain was published and took the member after
     * the drain checked for requests in flight. Gives the member back (and its trial permit), completes the
     * drain if that was the last request, and returns the context that avoids the member for the next try.
     */
    PickContext backOff(Member m, PickContext context, boolean permitted, int stripe) {
        if (permitted) {
            m.passive.releasePermission();
        }
        m.hot(stripe).decrementInFlight();
        if (m.inFlight() == 0) {
            drained(m);
        }
        return context.excluding(java.util.List.of(m.id()));
    }

    /** The passive tracker changed {@code m}'s verdict by itself (it reset the probe passes before ejecting). */
    void onPassiveChange(Member m, String reason) {
        pool.changes().health(m, reason);
    }

    /** One settled probe of {@code m}. */
    void onProbe(Member m, ProbeState.Change change, HealthCheckResult r) {
        if (change == ProbeState.Change.FELL) {
            pool.changes().health(m, "active health check failed: " + r.detail());
        } else if (change == ProbeState.Change.ROSE) {
            pool.changes().health(m, "active health check passed: " + r.detail());
        } else if (r.healthy() && m.passive.verdict() != PassiveTracker.Verdict.NONE && !m.probe.down()) {
            int rise = pool.config().activeHealth().rise();
            if (m.probe.passes() >= rise) {
                pool.changes().apply(() -> m.passive.restore(m.ticker.read()) ? new Membership.Change(m,
                        "restored by active health check (" + rise + " passing probes: " + r.detail() + ")", null)
                        : null);
            }
        }
    }
}
