package io.lb4j.pool;

import io.lb4j.api.Ticker;

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
}
