package io.lb4j.pool;

import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** A listener or probe that throws, even an Error, never breaks the pool. */
class ContainmentTest {
    private final ManualTicker ticker = new ManualTicker();

    @Test
    void aListenerThrowingAnAssertionErrorDoesNotEscapeMarkDownAndOthersStillHear() {
        LoadBalancingPool pool = PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b")).build();
        AtomicInteger heard = new AtomicInteger();
        pool.addListener(e -> {
            throw new AssertionError("listener bug");
        });
        pool.addListener(e -> {
            throw new StackOverflowError();
        });
        pool.addListener(e -> heard.incrementAndGet());
        assertThatCode(() -> pool.markDown("a")).doesNotThrowAnyException();
        assertThat(pool.state("a")).isEqualTo(HealthState.DOWN);
        assertThat(heard).hasValue(1);
        assertThatCode(() -> pool.markUp("a")).doesNotThrowAnyException();
        assertThat(heard).hasValue(2);
    }

    @Test
    void scheduledRoundsGoOnAfterProbesThrowErrors() throws InterruptedException {
        AtomicInteger probes = new AtomicInteger();
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .activeHealth(ActiveHealth.custom((server, timeout) -> {
                    int n = probes.incrementAndGet();
                    if (n % 2 == 0) {
                        throw new StackOverflowError("probe bug " + n);
                    }
                    throw new AssertionError("probe bug " + n);
                }).interval(Duration.ofMillis(10)).timeout(Duration.ofMillis(100)).rise(1).fall(3).build())
                .build();
        try (LoadBalancingPool pool = LoadBalancingPool.builder("errors").strategy(new Rotation()).ticker(ticker)
                .config(cfg).server(server("a")).server(server("b")).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pool.state("a") != HealthState.EJECTED && System.nanoTime() < deadline) {
                Thread.sleep(5); // a bounded wait for the pool's own scheduler, not a timing assumption
            }
            assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
            int before = probes.get();
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (probes.get() < before + 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(probes.get()).isGreaterThanOrEqualTo(before + 4); // rounds keep coming
        }
    }

    @Test
    void aProbeReturningNullCountsAsFailed() {
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .activeHealth(ActiveHealth.custom((server, timeout) -> server.id().equals("a") ? null
                        : HealthCheckResult.pass()).fall(1).build()).build();
        LoadBalancingPool pool = PoolFixture.pool(ticker, cfg, server("a"), server("b")).build();
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pool.state("b")).isEqualTo(HealthState.UP);
        pool.close();
    }
}
