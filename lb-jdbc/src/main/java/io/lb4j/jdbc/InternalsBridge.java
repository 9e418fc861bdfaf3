package io.lb4j.jdbc;

import io.lb4j.jdbc.internal.JdbcInternals;

/**
 * Gives {@link JdbcInternals} (lb4j's internal test hooks, not API) access to the package-private
 * {@link ReplicaRoutingDataSource#checkHealthNow()}, {@link ReplicaRoutingDataSourceBuilder#scheduleHealthChecks}
 * and the driver's switch; installed once, when {@link ReplicaRoutingDataSource} loads.
 *
 * <p>Stateless; thread-safe.
 */
final class InternalsBridge implements JdbcInternals.Access {
    private InternalsBridge() {
    }

    /** Installs the bridge (once: a second call throws). */
    static void install() {
        JdbcInternals.install(new InternalsBridge());
    }

    @Override
    public ReplicaRoutingDataSourceBuilder manualHealthChecks(ReplicaRoutingDataSourceBuilder builder) {
        return builder.scheduleHealthChecks(false);
    }

    @Override
    public void checkHealthNow(ReplicaRoutingDataSource dataSource) {
        dataSource.checkHealthNow();
    }

    @Override
    public void driverManualHealthChecks(boolean manual) {
        LbDriver.manualHealthChecks = manual;
    }
}
