package io.lb4j.pool;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs in the Surefire execution whose class path lacks Micrometer (see lb-algorithms' pom): pools, with or
 * without an observer of their own, work without the optional dependency.
 */
class WithoutMicrometerTest {

    @BeforeAll
    static void onlyInTheExecutionWithoutMicrometer() {
        assumeTrue(Boolean.getBoolean("lb4j.micrometerExcluded"),
                "runs only in lb-algorithms' without-resilience4j Surefire execution, which also lacks Micrometer");
    }

    @Test
    void micrometerIsReallyAbsentHere() {
        assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aPoolPicksAndCompletesWithoutMicrometer() {
        try (LoadBalancingPool pool = LoadBalancingPool.builder("plain").strategy(new RoundRobin())
                .ticker(new ManualTicker()).server(server("a")).server(server("b")).build()) {
            pool.acquire().success(1_000L);
            pool.acquire().success(1_000L);
            assertThat(pool.stats("a").successes() + pool.stats("b").successes()).isEqualTo(2);
        }
    }

    @Test
    void anObserverOfItsOwnNeedsNoMicrometer() {
        int[] outcomes = new int[1];
        try (LoadBalancingPool pool = LoadBalancingPool.builder("plain").strategy(new RoundRobin())
                .ticker(new ManualTicker()).server(server("a"))
                .observer(p -> (endpoint, outcome, latency) -> outcomes[0]++).build()) {
            pool.acquire().success(1_000L);
        }
        assertThat(outcomes[0]).isEqualTo(1);
    }
}
