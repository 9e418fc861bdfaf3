package io.lb4j.algorithms;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A rotation counter shared by a strategy's pickers (round robin, the rotating start of the
 * least-connections family, the weighted schedules): the one thing a rotating pick writes. Contention-aware
 * in the way of {@link java.util.concurrent.atomic.LongAdder}: it is one counter — an exact, global rotation —
 * until two threads are seen racing for it (a failed compare-and-set); from then on each thread rotates on
 * its own stripe (16 of them, handed to threads in the order they first need one, so that up to 16 threads
 * never share one; spread apart: see {@link #nextIndex}), as nginx and Envoy rotate per
 * worker, so that threads picking in parallel no longer write one cache line on every pick. A single thread,
 * and any uncontended use, sees the exact sequence from the initial value; under contention each stripe is
 * still a full rotation, so every server keeps its share, but two threads may pick the same server at the
 * same moment where a global rotation would have split them.
 *
 * <p>Every counter sits a full cache line (64 bytes) from any other (false sharing): the base and the
 * stripes are slots 8 longs apart in one array, with 8 longs of padding at either end.
 *
 * <p>Thread-safe: a compare-and-set on the base, then one atomic add on a stripe.
 */
final class Sequence {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle STRIPED;
    /** Longs between two counters: one cache line. */
    private static final int STRIDE = 16; // 128 bytes: no two stripes on adjacent lines (the L2 prefetches pairs)
    private static final int STRIPES = 16;
    private static final int BASE = STRIDE;

    static {
        try {
            STRIPED = MethodHandles.lookup().findVarHandle(Sequence.class, "striped", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Stripes are handed to threads in the order they first need one, so up to 16 threads never share one. */
    private static final AtomicInteger NEXT_STRIPE = new AtomicInteger();
    private static final ThreadLocal<int[]> STRIPE =
            ThreadLocal.withInitial(() -> new int[]{NEXT_STRIPE.getAndIncrement() & (STRIPES - 1)});

    private final long[] slots = new long[(STRIPES + 2) * STRIDE + 1];
    /** Set once, when two threads were first seen racing for the base; read on every pick, never written again. */
    private volatile boolean striped;

    Sequence(long initial) {
        for (int i = 0; i <= STRIPES; i++) {
            SLOTS.setVolatile(slots, BASE + i * STRIDE, initial); // the stripes take over from the same point
        }
    }

    /** The current value of this thread's rotation, then advances it by one (wrapping at {@link Long#MAX_VALUE}). */
    long getAndIncrement() {
        long[] s = slots;
        if (!striped) {
            long v = (long) SLOTS.getVolatile(s, BASE);
            if (SLOTS.compareAndSet(s, BASE, v, v + 1)) {
                return v;
            }
            STRIPED.setVolatile(this, true); // contention: from now on, one rotation per stripe
        }
        return (long) SLOTS.getAndAdd(s, BASE + (1 + STRIPE.get()[0]) * STRIDE, 1L);
    }

    /**
     * The next position in a rotation of {@code n} slots: {@code getAndIncrement() mod n} while uncontended.
     * On a stripe the position is offset by {@code r(stripe)·n/16}, {@code r} the 4-bit reversal (van der Corput),
     * so that threads on consecutive stripes (threads that became contended one after the other) rotate half, a quarter, ... of the way
     * apart and rarely reach the same slot at the same moment.
     *
     * @param n the rotation's length, at least 1
     */
    int nextIndex(int n) {
        long[] s = slots;
        if (!striped) {
            long v = (long) SLOTS.getVolatile(s, BASE);
            if (SLOTS.compareAndSet(s, BASE, v, v + 1)) {
                return (int) Math.floorMod(v, (long) n);
            }
            STRIPED.setVolatile(this, true);
        }
        int stripe = STRIPE.get()[0];
        long v = (long) SLOTS.getAndAdd(s, BASE + (1 + stripe) * STRIDE, 1L);
        long offset = ((long) (Integer.reverse(stripe) >>> 28) * n) >>> 4;
        return (int) Math.floorMod(v + offset, (long) n);
    }

    /** The value of the global rotation (the next value an uncontended pick takes). */
    long get() {
        return (long) SLOTS.getVolatile(slots, BASE);
    }

    /** Whether contention has switched this counter to per-thread stripes. */
    boolean striped() {
        return striped;
    }

    @Override
    public String toString() {
        return striped ? "striped" : Long.toString(get());
    }
}
