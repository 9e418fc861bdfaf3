package io.lb4j.pool;

import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;

/**
 * The pool's picks off the fast path: a preferred server (session persistence), exclusions (a retry must
 * not reuse a server it tried), and half-open members whose trial permits are limited (a circuit breaker's
 * half-open state, nginx's one trial after {@code fail_timeout}). Allocates only the returned choice.
 *
 * <p>{@link #choose} is one method on purpose, larger than the JIT's inlining limit for hot methods
 * ({@code FreqInlineSize}, 325 bytecodes): it stays a call, so {@code LoadBalancingPool.acquire} compiles
 * small even when retries make this path hot, and stays small enough to be inlined into its callers, where
 * the lease can be scalar-replaced (measured with JMH {@code -prof gc} and {@code -XX:+PrintInlining}: merged
 * into {@code acquire}, this path made it "already compiled into a big method" and the lease escaped).
 *
 * <p>Stateless and thread-safe; reads one immutable snapshot.
 */
final class SlowPicks {
    private SlowPicks() {
    }

    /** A member to lease, and whether a trial permit was taken for it. */
    record Choice(Member member, boolean permitted) {
    }

    /**
     * Chooses a member for a context with a preferred server or exclusions ({@code gatedPick} null), or
     * after the fast path picked a gated member ({@code gatedPick}): that member if one of its trial
     * permits is free, else another.
     *
     * @throws NoAvailableServerException when every eligible member is excluded or out of trial permits
     */
    static Choice choose(Snapshot s, PickContext context, Member gatedPick, String pool) {
        if (gatedPick != null) {
            if (gatedPick.passive.tryAcquirePermission()) {
                return new Choice(gatedPick, true);
            }
        } else {
            String preferred = context.preferredId();
            if (preferred != null) {
                Member m = s.byId.get(preferred);
                boolean gated = m != null && m.gated;
                if (m != null && !context.excludedIds().contains(preferred)
                        && (!gated || m.passive.tryAcquirePermission())) {
                    return new Choice(m, gated);
                }
            }
            Member m = (Member) s.picker.pick(context);
            if (!context.excludedIds().contains(m.id())) {
                boolean gated = m.gated;
                if (!gated || m.passive.tryAcquirePermission()) {
                    return new Choice(m, gated);
                }
            }
        }
        // Ask the strategy again a few times (a rotation moves on), then take the least loaded usable member.
        for (int attempt = 0; attempt < Math.min(4, s.eligible.length); attempt++) {
            Member m = (Member) s.picker.pick(context);
            if (context.excludedIds().contains(m.id())) {
                continue;
            }
            boolean gated = m.gated;
            if (!gated || m.passive.tryAcquirePermission()) {
                return new Choice(m, gated);
            }
        }
        Member best = null;
        boolean bestPermit = false;
        for (Member m : s.eligible) {
            if (context.excludedIds().contains(m.id())) {
                continue;
            }
            if (best == null || m.inFlight() * best.weight < best.inFlight() * m.weight) {
                boolean gated = m.gated;
                if (!gated || m.passive.tryAcquirePermission()) {
                    if (bestPermit) {
                        best.passive.releasePermission();
                    }
                    best = m;
                    bestPermit = gated;
                }
            }
        }
        if (best == null) {
            throw new NoAvailableServerException(pool, NoAvailableServerException.Reason.ALL_EXCLUDED,
                    "all " + s.eligible.length + " available servers were excluded " + context.excludedIds()
                            + " or are half-open with no trial call left");
        }
        return new Choice(best, bestPermit);
    }
}
