package io.lb4j.pool;

import io.lb4j.api.Ticker;

import java.util.concurrent.locks.ReentrantLock;

/**
 * What a pool's parts (trackers, the active checker) may know of the pool they serve: its name for logs,
 * its clock, and whether the calling thread is inside one of its rebuilds (a tracker must not ask for a
 * rebuild from inside one).
 *
 * <p>Implementations are thread-safe.
 */
interface PoolContext {
    String name();

    Ticker ticker();

    boolean rebuilding();

    /** The context of a pool named {@code name} on {@code ticker} whose rebuilds hold {@code lock}. */
    record Of(String name, Ticker ticker, ReentrantLock lock) implements PoolContext {
        @Override
        public boolean rebuilding() {
            return lock.isHeldByCurrentThread();
        }
    }
}
