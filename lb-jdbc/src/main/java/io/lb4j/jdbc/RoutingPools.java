package io.lb4j.jdbc;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolBuilder;
import io.lb4j.pool.PoolConfig;
import io.lb4j.pool.internal.PoolInternals;

/**
 * The two lb4j pools behind a {@link ReplicaRoutingDataSource}, configured from its builder: the primary's
 * single-member pool (active {@link JdbcHealthCheck} only, never ejected by passive health) and the replicas'
 * pool (the caller's strategy, passive health and ejection cap, active checks with replication and lag), both
 * probing on their schedule or, for lb4j's tests, only when {@link #checkHealthNow} is called.
 *
 * <p>Stateless; thread-safe.
 */
final class RoutingPools {
    private RoutingPools() {
    }

    /** The primary's pool, named {@code <name>-primary}. */
    static LoadBalancingPool primary(ReplicaRoutingDataSourceBuilder b, JdbcHealthCheck check) {
        return scheduled(LoadBalancingPool.builder(b.name + "-primary")
                .strategy(new RoundRobin())
                .config(PoolConfig.custom()
                        .passiveHealth(PassiveHealth.disabled())
                        .maxEjectionPercent(100)
                        .activeHealth(active(check, b))
                        .build())
                .ticker(b.ticker)
                .server(b.primaryServer), b.scheduleHealthChecks)
                .build();
    }

    /** The replicas' pool, named {@code <name>-replicas}. */
    static LoadBalancingPool replicas(ReplicaRoutingDataSourceBuilder b, JdbcHealthCheck check) {
        return scheduled(LoadBalancingPool.builder(b.name + "-replicas")
                .strategy(b.strategy)
                .config(PoolConfig.custom()
                        .passiveHealth(b.passiveHealth)
                        .maxEjectionPercent(b.maxEjectionPercent)
                        .activeHealth(active(check, b))
                        .build())
                .ticker(b.ticker)
                .servers(b.replicas.keySet()), b.scheduleHealthChecks)
                .build();
    }

    /** Runs one round of active checks on {@code pool} now and waits for it (lb4j's internal test hook). */
    static void checkHealthNow(LoadBalancingPool pool) {
        PoolInternals.checkHealthNow(pool);
    }

    private static ActiveHealth active(JdbcHealthCheck check, ReplicaRoutingDataSourceBuilder b) {
        return ActiveHealth.custom(check).interval(b.checkInterval).timeout(b.checkTimeout).rise(b.rise).fall(b.fall).build();
    }

    /** Probes on the pool's own schedule, or only on {@link #checkHealthNow} (lb4j's internal test hook). */
    private static PoolBuilder scheduled(PoolBuilder builder, boolean schedule) {
        return schedule ? builder : PoolInternals.manualHealthChecks(builder);
    }
}
