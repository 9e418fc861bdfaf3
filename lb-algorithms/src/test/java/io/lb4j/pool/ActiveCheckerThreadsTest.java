package io.lb4j.pool;

import io.lb4j.api.HealthCheck;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ActiveChecker on real threads (its own, or an injected executor's): one probe in flight per server, probe
 * threads bounded by the concurrency and ended when idle, timeouts and close() interrupting probes. Bounded
 * waits on real results (latches, futures); the only polls wait for real threads to end. The rest of its
 * behaviour is tested deterministically in {@link ActiveCheckerTest}.
 */
class ActiveCheckerThreadsTest {
    private static final long WAIT_SECONDS = 5;

    private final ManualTicker ticker = new ManualTicker();
    private final List<Member> members = new ArrayList<>();
    /** What the target heard, as "id change healthy detail", in order. */
    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private final ActiveChecker.Target target = (m, change, r) -> heard.add(m.id() + " " + change + " " + r.healthy()
            + " " + r.detail());
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private Member member(String id) {
        Member m = new Member(server(id), ticker, Duration.ofSeconds(10).toNanos(), 1);
        members.add(m);
        return m;
    }

    private static ActiveHealth.Builder health(HealthCheck check) {
        return ActiveHealth.custom(check).interval(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(1)).rise(1).fall(1);
    }

    /** A checker on {@code executor}, or on its own threads when it is null. */
    private ActiveChecker checker(ActiveHealth config, String pool, ScheduledExecutorService executor) {
        ActiveChecker c = new ActiveChecker(config, pool, () -> members, target, executor);
        toClose.add(c);
        return c;
    }

    private ScheduledExecutorService realExecutor() {
        ScheduledExecutorService e = Executors.newScheduledThreadPool(2, ActiveChecker.threads("test-injected"));
        toClose.add(e::shutdownNow);
        return e;
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    /** Polls (bounded) until no live thread's name starts with {@code prefix}; returns how many are left. */
    private static long awaitNoThreads(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (liveThreads(prefix) > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(10); // a wait for real threads to end, bounded
        }
        return liveThreads(prefix);
    }

    @Test
    void atMostOneProbeIsInFlightPerServer() throws Exception {
        member("a");
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ActiveChecker c = checker(health((s, t) -> {
            if (calls.incrementAndGet() == 1) {
                started.countDown();
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            return HealthCheckResult.pass();
        }).timeout(Duration.ofSeconds(30)).build(), "checker-injected", realExecutor());
        CompletableFuture<Void> first = c.round();
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> second = c.round();
        assertThat(second).isCompleted(); // it started nothing to wait for
        assertThat(calls).hasValue(1);
        assertThat(heard).isEmpty(); // in flight and within its timeout: nothing counted
        release.countDown();
        first.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(heard).containsExactly("a NONE true ok");
        c.round().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(calls).hasValue(2);
        assertThat(heard).containsExactly("a NONE true ok", "a NONE true ok");
    }

    @Test
    void theOwnProbeThreadsAreBoundedByTheConcurrency() throws Exception {
        for (int i = 0; i < 5; i++) {
            member("s" + i);
        }
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch twoStarted = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ActiveChecker c = checker(health((s, t) -> {
            calls.incrementAndGet();
            twoStarted.countDown();
            release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            return HealthCheckResult.pass();
        }).timeout(Duration.ofSeconds(30)).concurrency(2).build(), "checker-bounded", null);
        CompletableFuture<Void> round = c.round();
        assertThat(twoStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(liveThreads("lb4j-checker-bounded-probe-")).isEqualTo(2); // both busy: the other three wait
        assertThat(calls).hasValue(2);
        release.countDown();
        round.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(calls).hasValue(5);
        assertThat(heard).hasSize(5);
        assertThat(liveThreads("lb4j-checker-bounded-probe-")).isLessThanOrEqualTo(2);
        c.close();
        assertThat(awaitNoThreads("lb4j-checker-bounded-")).isZero();
    }

    @Test
    void idleProbeThreadsEndWhileTheCheckerStaysOpen() throws Exception {
        member("a");
        ActiveChecker c = checker(health((s, t) -> HealthCheckResult.pass()).build(), "checker-idle", null);
        c.round().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(heard).containsExactly("a NONE true ok");
        assertThat(awaitNoThreads("lb4j-checker-idle-probe-")).isZero(); // kept alive 1 s, then gone
        c.round().get(WAIT_SECONDS, TimeUnit.SECONDS); // and a new one comes when needed
        assertThat(heard).hasSize(2);
    }

    @Test
    void theOwnThreadsAreNamedAfterThePoolAndAreDaemons() throws Exception {
        member("a");
        List<Thread> probeThreads = Collections.synchronizedList(new ArrayList<>());
        ActiveChecker c = checker(health((s, t) -> {
            probeThreads.add(Thread.currentThread());
            return HealthCheckResult.pass();
        }).build(), "checker-named", null);
        c.round().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(probeThreads).singleElement().satisfies(t -> {
            assertThat(t.getName()).isEqualTo("lb4j-checker-named-probe-1");
            assertThat(t.isDaemon()).isTrue();
        });
        assertThat(liveThreads("lb4j-checker-named-health-1")).isEqualTo(1); // the timer, which scheduled the timeout
    }

    @Test
    void aHungProbeTimesOutOnRealThreadsAndIsInterrupted() throws Exception {
        member("a");
        CountDownLatch interrupted = new CountDownLatch(1);
        ActiveChecker c = checker(health((s, t) -> {
            try {
                new CountDownLatch(1).await(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HealthCheckResult.pass();
        }).timeout(Duration.ofMillis(100)).build(), "checker-hung", null);
        c.round().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(heard).containsExactly("a FELL false probe timed out after PT0.1S");
        assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closeInterruptsAProbeInFlightAndReportsNothingMore() throws Exception {
        member("a");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ActiveChecker c = checker(health((s, t) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HealthCheckResult.pass();
        }).timeout(Duration.ofSeconds(30)).build(), "checker-closing", null);
        CompletableFuture<Void> round = c.round();
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        c.close();
        assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(round).isCompleted(); // settled by close itself
        assertThat(awaitNoThreads("lb4j-checker-closing-")).isZero();
        assertThat(heard).isEmpty();
    }

    @Test
    void closeInterruptsAProbeOnAnInjectedExecutorWithoutShuttingItDown() throws Exception {
        member("a");
        ScheduledExecutorService executor = realExecutor();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ActiveChecker c = checker(health((s, t) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HealthCheckResult.pass();
        }).timeout(Duration.ofSeconds(30)).build(), "checker-injected", executor);
        c.round();
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        c.close();
        assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(executor.isShutdown()).isFalse();
        assertThat(executor.submit(() -> "still running").get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("still running");
        assertThat(heard).isEmpty();
    }

    @Test
    void roundAndWaitReturnsOnceTheResultsAreIn() {
        member("a");
        member("b");
        ActiveChecker c = checker(health((s, t) -> HealthCheckResult.pass()).build(), "checker-waiting", null);
        c.roundAndWait();
        assertThat(heard).containsExactlyInAnyOrder("a NONE true ok", "b NONE true ok");
    }
}
