package io.lb4j.algorithms;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the current thread, from HotSpot's per-thread allocation counter. Used to check
 * that a pick allocates nothing; the counter is exact (TLAB-based), not sampled.
 */
final class AllocationMeter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {
    }

    static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** Bytes allocated by running {@code body} {@code times} times (after as many warm-up runs). */
    static long bytesAllocatedBy(Runnable body, int times) {
        for (int i = 0; i < times; i++) {
            body.run();
        }
        long before = allocatedBytes();
        for (int i = 0; i < times; i++) {
            body.run();
        }
        return allocatedBytes() - before;
    }
}
