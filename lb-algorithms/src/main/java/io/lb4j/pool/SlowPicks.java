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
            if (m != null && !context.excludedIds().contains(preferred)
                    && (!m.gated || m.passive.tryAcquirePermission())) {
                return new Choice(m, m.gated);
            }
        }
        Member m = (Member) s.picker.pick(context);
        if (context.excludedIds().contains(m.id())) {
            Member other = avoiding(s, context, pool);
            return new Choice(other, other.gated); // avoiding took a trial permit for a half-open member
        }
        return m.gated ? gated(s, context, m, pool) : new Choice(m, false);
    }

    /** A half-open member: it needs one of its breaker's trial permits, else another member. */
    static Choice gated(Snapshot s, PickContext context, Member m, String pool) {
        if (m.passive.tryAcquirePermission()) {
            return new Choice(m, true);
        }
        Member other = avoiding(s, context, pool);
        return new Choice(other, other.gated);
    }

    /** Asks the strategy again a few times (a rotation moves on), then takes the least loaded usable member. */
    private static Member avoiding(Snapshot s, PickContext context, String pool) {
        for (int attempt = 0; attempt < Math.min(4, s.eligible.length); attempt++) {
            Member m = (Member) s.picker.pick(context);
            if (!context.excludedIds().contains(m.id()) && (!m.gated || m.passive.tryAcquirePermission())) {
                return m;
            }
        }
        Member best = null;
        for (Member m : s.eligible) {
            if (context.excludedIds().contains(m.id())) {
                continue;
            }
            if (best == null || m.inFlight() * best.weight < best.inFlight() * m.weight) {
                if (!m.gated || m.passive.tryAcquirePermission()) {
                    if (best != null && best.gated) {
                        best.passive.releasePermission();
                    }
                    best = m;
                }
            }
        }
        if (best == null) {
            throw new NoAvailableServerException(pool, NoAvailableServerException.Reason.ALL_EXCLUDED,
                    "all " + s.eligible.length + " available servers were excluded " + context.excludedIds()
                            + " or are half-open with no trial call left");
        }
        return best;
    }
}
