package io.lb4j.pool.internal;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The internal test hooks: manual health rounds, and a bridge nobody outside io.lb4j.pool can replace. */
class PoolInternalsTest {

    @Test
    void aManualPoolProbesOnlyWhenAsked() {
        PoolConfig cfg = PoolConfig.custom().activeHealth(ActiveHealth.custom((s, t) -> HealthCheckResult.fail("down"))
                .fall(1).build()).build();
        try (LoadBalancingPool pool = PoolInternals.manualHealthChecks(LoadBalancingPool.builder("manual")
                .strategy(new RoundRobin()).ticker(new ManualTicker()).config(cfg))
                .server(Server.of("127.0.0.1", 1)).server(Server.of("127.0.0.1", 2)).build()) {
            assertThat(pool.state("127.0.0.1:1")).isEqualTo(HealthState.UP);
            PoolInternals.checkHealthNow(pool);
            assertThat(pool.state("127.0.0.1:1")).isEqualTo(HealthState.EJECTED);
        }
    }

    @Test
    void theBridgeCannotBeReplacedFromOutsideThePoolPackage() {
        LoadBalancingPool.builder("load"); // the bridge is installed
        assertThatThrownBy(() -> PoolInternals.install(null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("PoolInternals is installed by io.lb4j.pool only, once");
    }
}
