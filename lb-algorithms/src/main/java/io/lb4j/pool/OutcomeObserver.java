package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Outcome;

/**
 * Sees how every lease of one pool ended, and every pick that found no server: the hook that metrics
 * binders such as {@link io.lb4j.metrics.MicrometerPoolMetrics} hang on. Set one per pool with
 * {@link PoolBuilder#observer(Factory)}; a pool without one pays a single null check per completed lease.
 *
 * <p>{@link #onOutcome} runs on the thread that completes the lease, on every request: it must not block
 * and should not allocate. An observer that throws is logged (once) and never breaks the pool.
 *
 * <p>Thread-safety: implementations must be thread-safe; every method may be called concurrently.
 */
public interface OutcomeObserver {

    /**
     * One completed lease.
     *
     * @param endpoint     the server's live endpoint (the same instance for the server's lifetime in the pool)
     * @param outcome      how the call ended
     * @param latencyNanos the call's latency: the caller's measurement, or the pool's ticker since acquire
     */
    void onOutcome(Endpoint endpoint, Outcome outcome, long latencyNanos);

    /**
     * A pick found no server (the pool was empty, had no available server, or was closed); the caller
     * gets a {@link NoAvailableServerException} with the same reason. Called before the exception is
     * thrown. The default does nothing.
     *
     * @param reason why nothing could be picked
     */
    default void onNoServer(NoAvailableServerException.Reason reason) {
    }

    /** The pool was closed; release what the observer registered. Called once. The default does nothing. */
    default void onClose() {
    }

    /**
     * Creates the observer of one pool. Called once, by the pool's constructor, after its initial members
     * are in place and before its health checks start: the factory may read the pool and register
     * listeners on it.
     */
    @FunctionalInterface
    interface Factory {
        /**
         * The observer for {@code pool}.
         *
         * @param pool the pool being built, with its initial members
         * @return its observer, not null
         */
        OutcomeObserver create(LoadBalancingPool pool);
    }
}
