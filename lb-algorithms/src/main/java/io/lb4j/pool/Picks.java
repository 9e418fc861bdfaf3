package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;

/**
 * The pool's picks: the fast path (the strategy's picker on the current snapshot), and the paths off it —
 * a preferred server (session persistence), exclusions (a retry must not reuse a server it tried),
 * half-open members whose trial permits are limited (a circuit breaker's half-open state, nginx's one trial
 * after {@code fail_timeout}), and a pick that raced a drain. The chosen member's in-flight count is
 * already incremented when {@link #choose} returns.
 *
 * <p><b>Why one big method.</b> {@link #choose} holds all of this in one method on purpose, larger than the
 * JIT's inlining limit for hot methods ({@code FreqInlineSize}, 325 bytecodes). It stays a call from
 * {@code LoadBalancingPool.acquire}, which is left with a clock read, this call and the lease's one
 * allocation: small enough to be inlined into its callers, where the lease can be scalar-replaced. Merged
 * into {@code acquire}, the picker inlined with it made {@code acquire} "already compiled into a big
 * method" (C2's {@code InlineSmallCode}) and the lease escaped: 32 B/op for least-request (JMH
 * {@code -prof gc}, {@code -XX:+PrintInlining}). {@code PicksTest} checks the size from the class file.
 *
 * <p>Stateless and thread-safe; reads one immutable snapshot per attempt.
 */
final class Picks {
    private Picks() {
    }

    /**
     * Chooses a member for {@code context} at time {@code now} and counts it in flight (in the caller's
     * {@code stripe} of the member's counters).
     *
     * @return the member, or its {@link Member#trial} token when one of its trial permits was taken (the
     *         lease must give it back if it is dropped)
     * @throws NoAvailableServerException when the pool has no server, or every eligible member is excluded
     *                                    or out of trial permits
     */
    static Object choose(LoadBalancingPool pool, PickContext context, long now, int stripe) {
        for (PickContext ctx = context; ; ) {
            Snapshot s = pool.snapshot();
            if (s.hasDeadline && now - s.deadline >= 0 || s.picker == null) {
                s = pool.ready(s, now);
            }
            Member m = null;
            boolean permitted = false;
            String preferred = ctx.preferredId();
            boolean excluding = !ctx.excludedIds().isEmpty();
            if (preferred == null && !excluding) {
                m = pick(pool, s, ctx, now);
                if (m.gated) {
                    if (m.passive.tryAcquirePermission()) {
                        permitted = true;
                    } else {
                        m = null; // out of trial permits: another member, below
                    }
                }
            } else {
                if (preferred != null) {
                    Member p = s.byId.get(preferred);
                    if (p != null && !ctx.excludedIds().contains(preferred)) {
                        boolean gated = p.gated;
                        if (!gated || p.passive.tryAcquirePermission()) {
                            m = p;
                            permitted = gated;
                        }
                    }
                }
                if (m == null) {
                    Member q = pick(pool, s, ctx, now);
                    if (!ctx.excludedIds().contains(q.id())) {
                        boolean gated = q.gated;
                        if (!gated || q.passive.tryAcquirePermission()) {
                            m = q;
                            permitted = gated;
                        }
                    }
                }
            }
            // Ask the strategy again a few times (a rotation moves on), then take the least loaded usable member.
            for (int attempt = 0; m == null && attempt < Math.min(4, s.eligible.length); attempt++) {
                Member q = pick(pool, s, ctx, now);
                if (ctx.excludedIds().contains(q.id())) {
                    continue;
                }
                boolean gated = q.gated;
                if (!gated || q.passive.tryAcquirePermission()) {
                    m = q;
                    permitted = gated;
                }
            }
            if (m == null) {
                Object least = leastLoaded(s.eligible, ctx);
                if (least == null) {
                    least = leastLoaded(s.fallback, ctx); // nginx: a request that tried every primary goes on to the backups
                }
                if (least == null) {
                    throw new NoAvailableServerException(pool.name(), NoAvailableServerException.Reason.ALL_EXCLUDED,
                            "all " + (s.eligible.length + s.fallback.length) + " available servers were excluded "
                                    + ctx.excludedIds() + " or are half-open with no trial call left");
                }
                permitted = !(least instanceof Member);
                m = permitted ? ((Member.Trial) least).member : (Member) least;
            }
            m.hot(stripe).incrementInFlight();
            if (!m.draining) { // a pick that read the snapshot before a drain's publish must not slip through it
                return permitted ? m.trial : m;
            }
            ctx = pool.feedback().backOff(m, ctx, permitted, stripe);
        }
    }

    /** The picker's choice, which must be one of the pool's endpoints (a custom strategy may break that). */
    private static Member pick(LoadBalancingPool pool, Snapshot s, PickContext ctx, long now) {
        Endpoint e = s.picker.pick(ctx, now);
        if (e instanceof Member m) { // one type check, as the cast it replaces; null fails it too
            return m;
        }
        throw badPick(pool, e);
    }

    private static IllegalStateException badPick(LoadBalancingPool pool, Endpoint e) {
        return new IllegalStateException("pool '" + pool.name() + "': strategy " + pool.strategy().name()
                + "'s picker returned " + (e == null ? "null" : "an endpoint that is not one of the pool's ("
                + e.getClass().getName() + ")") + "; a picker must return one of the endpoints given to newPicker");
    }

    /**
     * The least loaded of {@code members} (in flight per weight) that {@code ctx} does not exclude and that can
     * take a call: the member, or its {@link Member#trial} token when its trial permit was taken; null if none.
     * Used when the strategy's picks were all excluded: over the eligible members, then over the UP backups.
     */
    private static Object leastLoaded(Member[] members, PickContext ctx) {
        Member best = null;
        boolean bestPermit = false;
        for (Member q : members) {
            if (ctx.excludedIds().contains(q.id())) {
                continue;
            }
            if (best == null || q.inFlight() * best.weight < best.inFlight() * q.weight) {
                boolean gated = q.gated;
                if (!gated || q.passive.tryAcquirePermission()) {
                    if (bestPermit) {
                        best.passive.releasePermission();
                    }
                    best = q;
                    bestPermit = gated;
                }
            }
        }
        return best == null ? null : bestPermit ? best.trial : best;
    }
}
