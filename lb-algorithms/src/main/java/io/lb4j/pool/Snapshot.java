package io.lb4j.pool;

import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Picker;

import java.util.HashMap;
import java.util.Map;

/**
 * One published state of a pool: the picker, the eligible members, and what is needed to explain an
 * empty pool. Immutable; published through one volatile write and read by any number of threads.
 */
final class Snapshot {
    final Picker picker;
    final Member[] eligible;
    final Map<String, Member> byId;
    final NoAvailableServerException.Reason reason;
    final String detail;
    final boolean hasDeadline;
    /** When a time-driven transition (an ejection ending, a slow-start step) is due; valid if {@link #hasDeadline}. */
    final long deadline;
    final boolean panic;
    /** The UP backups while {@link #eligible} is primaries: for a pick that excludes every eligible member. */
    final Member[] fallback;

    Snapshot(Picker picker, Member[] eligible, NoAvailableServerException.Reason reason, String detail,
             boolean hasDeadline, long deadline, boolean panic) {
        this(picker, eligible, reason, detail, hasDeadline, deadline, panic, new Member[0]);
    }

    Snapshot(Picker picker, Member[] eligible, NoAvailableServerException.Reason reason, String detail,
             boolean hasDeadline, long deadline, boolean panic, Member[] fallback) {
        this.fallback = fallback;
        this.picker = picker;
        this.eligible = eligible;
        this.byId = new HashMap<>(eligible.length * 2);
        for (Member m : eligible) {
            byId.put(m.id(), m);
        }
        this.reason = reason;
        this.detail = detail;
        this.hasDeadline = hasDeadline;
        this.deadline = deadline;
        this.panic = panic;
    }

    static Snapshot none(NoAvailableServerException.Reason reason, String detail) {
        return new Snapshot(null, new Member[0], reason, detail, false, 0, false);
    }

    boolean due(long now) {
        return hasDeadline && now - deadline >= 0;
    }
}
