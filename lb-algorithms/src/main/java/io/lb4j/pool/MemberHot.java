package io.lb4j.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What every request writes on a member — its in-flight count, its success count and (inherited) its
 * latency estimate — in fields of their own cache line: 64 bytes of padding
 * before ({@link CacheLinePad}) and after ({@link MemberPadAfter}), so that two threads working on two different members never write one
 * line (false sharing), and the member's read-mostly settings never share a line with a counter.
 *
 * <p>Thread-safety: atomic updates through {@link VarHandle}s; reads are volatile.
 */
abstract class MemberHot extends LatencyEstimator {
    private static final VarHandle IN_FLIGHT;
    private static final VarHandle SUCCESSES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            IN_FLIGHT = l.findVarHandle(MemberHot.class, "inFlight", int.class);
            SUCCESSES = l.findVarHandle(MemberHot.class, "successes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    MemberHot(long decayNanos) {
        super(decayNanos);
    }

    /** Requests in flight (on this stripe); read by every least-connections scan. */
    volatile int inFlight;
    /** Successful completions. */
    volatile long successes;

    final int incrementInFlight() {
        return (int) IN_FLIGHT.getAndAdd(this, 1) + 1;
    }

    final int decrementInFlight() {
        return (int) IN_FLIGHT.getAndAdd(this, -1) - 1;
    }

    final void countSuccess() {
        SUCCESSES.getAndAdd(this, 1L);
    }
}
