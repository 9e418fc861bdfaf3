package io.lb4j.pool;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.config.NginxUpstream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs in its own Surefire execution whose class path lacks resilience4j (see lb-algorithms' pom): a pool
 * with nginx passive health, or none, works without the optional dependency.
 */
class WithoutResilience4jTest {

    @BeforeAll
    static void onlyInTheExecutionWithoutResilience4j() {
        // A plain `mvn verify` never runs this class elsewhere; `-Dtest=...` overrides the pom's excludes.
        assumeTrue(Boolean.getBoolean("lb4j.resilience4jExcluded"),
                "runs only in lb-algorithms' without-resilience4j Surefire execution");
    }

    @Test
    void resilience4jIsReallyAbsentHere() {
        assertThatThrownBy(() -> Class.forName("io.github.resilience4j.circuitbreaker.CircuitBreaker"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aPoolWithNginxPassiveHealthEjectsAndPicks() {
        try (LoadBalancingPool pool = LoadBalancingPool.builder("plain").strategy(new RoundRobin())
                .ticker(new ManualTicker()).server(server("a")).server(server("b")).build()) {
            for (int i = 0; i < 4; i++) {
                Lease lease = pool.acquire();
                if (lease.server().id().equals("a")) {
                    lease.failure(new ConnectException("refused"));
                } else {
                    lease.success();
                }
            }
            assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
            assertThat(pool.acquire().server().id()).isEqualTo("b");
        }
    }

    @Test
    void anNginxUpstreamBuildsAndPicks() {
        try (LoadBalancingPool pool = NginxUpstream.parse("upstream u { server 127.0.0.1:1; server 127.0.0.1:2 backup; }")
                .toPoolBuilder().ticker(new ManualTicker()).build()) {
            assertThat(pool.acquire().server().port()).isEqualTo(1);
        }
    }
}
