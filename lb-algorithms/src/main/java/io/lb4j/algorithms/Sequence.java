package io.lb4j.algorithms;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A shared, padded rotation counter: the one field a rotating picker (round robin, the rotating start of
 * the least-connections family) writes on every pick. The value sits in the middle of a 17-long array, a
 * full cache line (64 bytes) from either end, so no other field — the picker's endpoints, another
 * strategy's counter — shares its line and is invalidated with it whenever another thread picks
 * (false sharing). A {@code java.util.concurrent.atomic.AtomicLong} is a 24-byte object that shares its
 * line with whatever was allocated next to it.
 *
 * <p>Thread-safe: {@link #getAndIncrement} is one atomic add.
 */
final class Sequence {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    /** 8 longs (64 bytes) of padding, the value, 8 longs of padding. */
    private static final int VALUE = 8;

    private final long[] slots = new long[2 * VALUE + 1];

    Sequence(long initial) {
        SLOTS.setVolatile(slots, VALUE, initial);
    }

    /** The current value, then adds one (wrapping at {@link Long#MAX_VALUE}). */
    long getAndIncrement() {
        return (long) SLOTS.getAndAdd(slots, VALUE, 1L);
    }

    /** The current value. */
    long get() {
        return (long) SLOTS.getVolatile(slots, VALUE);
    }

    @Override
    public String toString() {
        return Long.toString(get());
    }
}
