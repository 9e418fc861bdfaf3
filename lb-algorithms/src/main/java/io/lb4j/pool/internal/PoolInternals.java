package io.lb4j.pool.internal;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolBuilder;

/**
 * <b>Internal, not API:</b> hooks that lb4j's own adapters (lb-jdbc) and test suites use to drive a pool's
 * active health checks by hand. They may change or disappear in any release; applications inject a
 * {@link java.util.concurrent.ScheduledExecutorService} with {@link PoolBuilder#healthExecutor} instead.
 * (The package name follows OkHttp's {@code okhttp3.internal} convention.)
 *
 * <p>Thread-safe.
 */
public final class PoolInternals {
    /** Implemented by {@code io.lb4j.pool}; installed once when that package's classes load. */
    public interface Access {
        /** See {@link PoolInternals#manualHealthChecks}. */
        PoolBuilder manualHealthChecks(PoolBuilder builder);

        /** See {@link PoolInternals#checkHealthNow}. */
        void checkHealthNow(LoadBalancingPool pool);
    }

    private static volatile Access access;

    private PoolInternals() {
    }

    /**
     * Installs the bridge; only {@code io.lb4j.pool} may, once.
     *
     * @throws IllegalStateException when called from elsewhere or a second time
     */
    public static void install(Access bridge) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (!"io.lb4j.pool".equals(caller.getPackageName()) || access != null) {
            throw new IllegalStateException("PoolInternals is installed by io.lb4j.pool only, once");
        }
        access = bridge;
    }

    private static Access access() {
        if (access == null) {
            try {
                Class.forName(PoolBuilder.class.getName(), true, PoolBuilder.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return access;
    }

    /** The pool built by {@code builder} runs active checks only when {@link #checkHealthNow} is called. */
    public static PoolBuilder manualHealthChecks(PoolBuilder builder) {
        return access().manualHealthChecks(builder);
    }

    /**
     * Runs one round of active health checks now and waits for it (at most the probe timeout).
     *
     * @throws IllegalStateException when the pool has no active health checking
     */
    public static void checkHealthNow(LoadBalancingPool pool) {
        access().checkHealthNow(pool);
    }
}
