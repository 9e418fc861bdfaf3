package io.lb4j.jdbc.internal;

import io.lb4j.jdbc.ReplicaRoutingDataSource;
import io.lb4j.jdbc.ReplicaRoutingDataSourceBuilder;

/**
 * <b>Internal, not API:</b> hooks that lb4j's own test suites use to run a {@link ReplicaRoutingDataSource}'s
 * role and health probes by hand instead of on their schedule. They may change or disappear in any release;
 * applications tune the schedule with {@link ReplicaRoutingDataSourceBuilder#checkInterval} ({@code lb.checkInterval}).
 * (The package name follows OkHttp's {@code okhttp3.internal} convention, like
 * {@link io.lb4j.pool.internal.PoolInternals} for the pool.)
 *
 * <p>Thread-safe.
 */
public final class JdbcInternals {
    /** Implemented by {@code io.lb4j.jdbc}; installed once when that package's classes load. */
    public interface Access {
        /** See {@link JdbcInternals#manualHealthChecks}. */
        ReplicaRoutingDataSourceBuilder manualHealthChecks(ReplicaRoutingDataSourceBuilder builder);

        /** See {@link JdbcInternals#checkHealthNow}. */
        void checkHealthNow(ReplicaRoutingDataSource dataSource);

        /** See {@link JdbcInternals#driverManualHealthChecks}. */
        void driverManualHealthChecks(boolean manual);
    }

    private static volatile Access access;

    private JdbcInternals() {
    }

    /**
     * Installs the bridge; only {@code io.lb4j.jdbc} may, once.
     *
     * @throws IllegalStateException when called from elsewhere or a second time
     */
    public static void install(Access bridge) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (!"io.lb4j.jdbc".equals(caller.getPackageName()) || access != null) {
            throw new IllegalStateException("JdbcInternals is installed by io.lb4j.jdbc only, once");
        }
        access = bridge;
    }

    private static Access access() {
        if (access == null) {
            try {
                Class.forName(ReplicaRoutingDataSource.class.getName(), true, ReplicaRoutingDataSource.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return access;
    }

    /**
     * The data source built by {@code builder} probes roles and health only when {@link #checkHealthNow} is
     * called (no probe threads are scheduled).
     *
     * @return {@code builder}
     * @throws IllegalArgumentException when {@code builder} is null
     */
    public static ReplicaRoutingDataSourceBuilder manualHealthChecks(ReplicaRoutingDataSourceBuilder builder) {
        if (builder == null) {
            throw new IllegalArgumentException("builder must not be null");
        }
        return access().manualHealthChecks(builder);
    }

    /**
     * Runs one round of role probes (primary discovery, split brain) and of health probes on every node now,
     * waits for it (at most the probe timeout) and applies the results (failover, rise/fall).
     *
     * @throws IllegalArgumentException when {@code dataSource} is null
     */
    public static void checkHealthNow(ReplicaRoutingDataSource dataSource) {
        if (dataSource == null) {
            throw new IllegalArgumentException("dataSource must not be null");
        }
        access().checkHealthNow(dataSource);
    }

    /**
     * JVM-wide: whether the routings {@link io.lb4j.jdbc.LbDriver} builds from now on probe only on
     * {@link #checkHealthNow} ({@code true}) or on their schedule ({@code false}, the default). A routing already
     * built keeps its mode; the driver keeps the two kinds apart, so the same URL yields a different routing
     * in each mode. Reset it to {@code false} when the test is done.
     */
    public static void driverManualHealthChecks(boolean manual) {
        access().driverManualHealthChecks(manual);
    }
}
