package io.lb4j.pool;

import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;

/**
 * The pool's picks off the fast path: a preferred server (session persistence), exclusions (a retry must
 * not reuse a server it tried), and half-open members whose circuit breaker lets only a few trial calls
 * through. Allocates only the returned choice.
 *
 * <p>Stateless and thread-safe; reads one immutable snapshot.
 */
final class SlowPicks {
    private SlowPicks() {
    }

    /** A member to lease, and whether a breaker trial permit was taken for it. */
    record Choice(Member member, boolean permitted) {
    }

    /** A preferred server or exclusions. */
    static Choice pick(Snapshot s, PickContext context, String pool) {
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
        if (context.excludedIds().contains(m.id())) {
            return avoiding(s, context, pool);
        }
        return m.gated ? gated(s, context, m, pool) : new Choice(m, false);
    }

    /** A half-open member: it needs one of its breaker's trial permits, else another member. */
    static Choice gated(Snapshot s, PickContext context, Member m, String pool) {
        if (m.passive.tryAcquirePermission()) {
            return new Choice(m, true);
        }
        return avoiding(s, context, pool);
    }

    /**
     * Asks the strategy again a few times (a rotation moves on), then takes the least loaded usable member;
     * the choice records whether a trial permit was actually taken for it.
     */
    private static Choice avoiding(Snapshot s, PickContext context, String pool) {
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
