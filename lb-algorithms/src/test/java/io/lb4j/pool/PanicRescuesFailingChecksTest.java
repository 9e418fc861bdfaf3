package io.lb4j.pool;

import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

class PanicRescuesFailingChecksTest {

    /**
     * Envoy's panic threshold exists for "hosts start failing health checks in large numbers" (a broken check
     * path, an overloaded health endpoint): under the threshold Envoy balances over ALL hosts, and DESIGN.md says
     * "all primaries". lb4j keeps active-check failures out even in panic: with a check that fails everywhere the
     * pool is empty, with a panic threshold configured precisely to prevent that.
     */
    @Test
    void panicRescuesAPoolWhoseChecksAllFail() {
        ActiveHealth active = ActiveHealth.custom((s, to) -> HealthCheckResult.fail("404 on /healthz")).fall(1).build();
        LoadBalancingPool p = pool(new ManualTicker(),
                PoolConfig.custom().activeHealth(active).panicThresholdPercent(50).build(),
                server("a"), server("b"), server("c")).build();
        try {
            p.checkHealthNow();
            assertThat(p.panicking()).isTrue();
            assertThat(p.eligible()).hasSize(3);           // Envoy: all hosts
        } finally {
            p.close();
        }
    }
}
