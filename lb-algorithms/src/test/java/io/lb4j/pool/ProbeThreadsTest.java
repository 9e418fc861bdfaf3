package io.lb4j.pool;

import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** Probe threads are bounded: at most one probe in flight per server, none left after close(). */
class ProbeThreadsTest {

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    /** Ignores interrupts and holds its thread for {@code millis}, like a probe stuck in native code. */
    private static HealthCheckResult stubborn(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return HealthCheckResult.pass();
    }

    @Test
    void aCheckIgnoringInterruptsHoldsAtMostOneThreadPerServer() throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .activeHealth(ActiveHealth.custom((server, timeout) -> {
                    started.incrementAndGet();
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        return stubborn(400);
                    } finally {
                        running.decrementAndGet();
                    }
                }).interval(Duration.ofMillis(50)).timeout(Duration.ofMillis(20)).build()).build();
        LoadBalancingPool pool = LoadBalancingPool.builder("stubborn").strategy(new Rotation()).ticker(new ManualTicker())
                .config(cfg).server(server("a")).server(server("b")).build();
        long peak = 0;
        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < end) {
            peak = Math.max(peak, threads("lb4j-stubborn-probe"));
            Thread.sleep(10);
        }
        assertThat(maxRunning).hasValueBetween(1, 2); // one probe in flight per server
        assertThat(peak).isBetween(1L, (long) ActiveHealth.DEFAULT_CONCURRENCY); // idle threads end after 1 s
        assertThat(started.get()).isLessThanOrEqualTo(2 * (1500 / 400 + 1));
        pool.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while ((threads("lb4j-stubborn-probe") > 0 || threads("lb4j-stubborn-health") > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(threads("lb4j-stubborn-probe")).isZero(); // the stubborn probes returned; nothing new started
        assertThat(threads("lb4j-stubborn-health")).isZero();
    }

    @Test
    void interruptibleProbesEndWithinTheTimeoutAfterClose() throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean();
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .activeHealth(ActiveHealth.custom((server, timeout) -> {
                    running.set(true);
                    Thread.sleep(60_000);
                    return HealthCheckResult.pass();
                }).interval(Duration.ofMillis(10)).timeout(Duration.ofMillis(200)).build()).build();
        LoadBalancingPool pool = LoadBalancingPool.builder("sleepy").strategy(new Rotation()).ticker(new ManualTicker())
                .config(cfg).server(server("a")).server(server("b")).server(server("c")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!running.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(running).isTrue();
        pool.close();
        deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
        while (threads("lb4j-sleepy-") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(threads("lb4j-sleepy-")).isZero();
    }

    @Test
    void anInjectedExecutorRunsTheChecksAndIsNotShutDownByClose() throws InterruptedException {
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "app-health");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger probes = new AtomicInteger();
        java.util.Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled())
                .activeHealth(ActiveHealth.custom((server, timeout) -> {
                    names.add(Thread.currentThread().getName());
                    probes.incrementAndGet();
                    return HealthCheckResult.pass();
                }).interval(Duration.ofMillis(10)).build()).build();
        LoadBalancingPool pool = LoadBalancingPool.builder("injected").strategy(new Rotation()).ticker(new ManualTicker())
                .config(cfg).healthExecutor(executor).server(server("a")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (probes.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(names).containsOnly("app-health");
        assertThat(threads("lb4j-injected")).isZero();
        pool.close();
        int after = probes.get();
        Thread.sleep(100);
        assertThat(probes.get()).isLessThanOrEqualTo(after + 1);
        assertThat(executor.isShutdown()).isFalse();
        executor.shutdownNow();
    }
}
