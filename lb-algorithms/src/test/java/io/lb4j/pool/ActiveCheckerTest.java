package io.lb4j.pool;

import io.lb4j.api.HealthCheck;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ActiveChecker: probe rounds, one probe in flight per server, timeouts counted from the probe's start,
 * bounded threads that end when idle, and close(). Deterministic tests drive a {@link ManualScheduler};
 * the thread tests use real threads with bounded waits on real results (latches, futures), never sleeps.
 */
class ActiveCheckerTest {
    private static final long WAIT_SECONDS = 5;

    private final ManualTicker ticker = new ManualTicker();
    private final ManualScheduler scheduler = new ManualScheduler(ticker);
    private final List<Member> members = new ArrayList<>();
    /** What the target heard, as "id change healthy detail", in order. */
    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private final ActiveChecker.Target target = (m, change, r) -> heard.add(m.id() + " " + change + " " + r.healthy()
            + " " + r.detail());
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Thread.interrupted(); // never leak an interrupt from a deterministic test into the next
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private Member member(String id) {
        Member m = new Member(server(id), ticker, Duration.ofSeconds(10).toNanos());
        members.add(m);
        return m;
    }

    private static ActiveHealth.Builder health(HealthCheck check) {
        return ActiveHealth.custom(check).interval(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(1)).rise(1).fall(1);
    }

    private ActiveChecker checker(ActiveHealth config, ScheduledExecutorService executor) {
        return checker(config, () -> members, executor);
    }

    private ActiveChecker checker(ActiveHealth config, Supplier<Collection<Member>> list, ScheduledExecutorService executor) {
        ActiveChecker c = new ActiveChecker(config, "checked", list, target, executor);
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

    // ------------------------------------------------------------------ rounds, on a hand-driven executor

    @Test
    void startRunsARoundEveryIntervalAndNotBefore() {
        AtomicInteger calls = new AtomicInteger();
        member("a");
        ActiveChecker c = checker(health((s, t) -> {
            calls.incrementAndGet();
            return HealthCheckResult.pass();
        }).build(), scheduler);
        c.start();
        assertThat(scheduler.waiting()).singleElement().satisfies(t -> {
            assertThat(t.getDelay(TimeUnit.NANOSECONDS)).isEqualTo(Duration.ofSeconds(2).toNanos());
            assertThat(t.period()).isEqualTo(Duration.ofSeconds(2).toNanos());
        });
        ticker.advance(Duration.ofSeconds(2).minusNanos(1));
        scheduler.runDue();
        assertThat(calls).hasValue(0);
        ticker.advance(Duration.ofNanos(1));
        scheduler.runDue();
        assertThat(calls).hasValue(1);
        ticker.advance(Duration.ofSeconds(2));
        scheduler.runDue();
        assertThat(calls).hasValue(2);
        assertThat(heard).containsExactly("a NONE true ok", "a NONE true ok");
    }

    @Test
    void aRoundProbesEveryMemberOnceInOrder() {
        List<String> probed = new ArrayList<>();
        member("a");
        member("b");
        member("c");
        ActiveChecker c = checker(health((s, t) -> {
            probed.add(s.id());
            return s.id().equals("b") ? HealthCheckResult.fail("HTTP 503") : HealthCheckResult.pass();
        }).build(), scheduler);
        c.round();
        scheduler.runDue();
        assertThat(probed).containsExactly("a", "b", "c");
        assertThat(heard).containsExactly("a NONE true ok", "b FELL false HTTP 503", "c NONE true ok");
    }

    @Test
    void resultsCountAgainstRiseAndFall() {
        Member a = member("a");
        boolean[] healthy = {false};
        ActiveChecker c = checker(health((s, t) -> healthy[0] ? HealthCheckResult.pass("200") : HealthCheckResult.fail("503"))
                .fall(2).rise(2).build(), scheduler);
        for (int i = 0; i < 4; i++) {
            if (i == 2) {
                healthy[0] = true;
            }
            c.round();
            scheduler.runDue();
        }
        assertThat(heard).containsExactly("a NONE false 503", "a FELL false 503", "a NONE true 200", "a ROSE true 200");
        assertThat(a.probe.down()).isFalse();
    }

    @Test
    void aRoundSettlesWhenEveryProbeHasAnswered() {
        member("a");
        member("b");
        ActiveChecker c = checker(health((s, t) -> HealthCheckResult.pass()).build(), scheduler);
        CompletableFuture<Void> round = c.round();
        assertThat(round).isNotDone(); // both probes wait for a thread
        scheduler.runDue();
        assertThat(round).isCompleted();
        assertThat(heard).hasSize(2);
    }

    @Test
    void theTimeoutStartsWhenTheProbeRunsNotWhileItWaitsForAThread() {
        member("a");
        List<Long> timeoutDelays = new ArrayList<>();
        ActiveChecker c = checker(health((s, t) -> {
            scheduler.waiting().forEach(task -> timeoutDelays.add(task.getDelay(TimeUnit.NANOSECONDS)));
            return HealthCheckResult.pass();
        }).build(), scheduler);
        c.round();
        assertThat(scheduler.waiting()).hasSize(1); // the queued probe, no timeout yet
        ticker.advance(Duration.ofSeconds(5)); // five timeouts pass while the probe waits
        scheduler.runDue();
        assertThat(timeoutDelays).containsExactly(Duration.ofSeconds(1).toNanos());
        assertThat(heard).containsExactly("a NONE true ok");
        assertThat(scheduler.waiting()).isEmpty(); // the answered probe's timeout was cancelled
    }

    @Test
    void aProbeOverItsTimeoutCountsAsFailedIsInterruptedAndItsLateAnswerIsIgnored() {
        member("a");
        AtomicBoolean interrupted = new AtomicBoolean();
        ActiveChecker c = checker(health((s, t) -> {
            ticker.advance(t); // the probe hangs for its whole timeout
            scheduler.runDue(); // the timeout fires
            interrupted.set(Thread.interrupted());
            return HealthCheckResult.pass("late");
        }).build(), scheduler);
        CompletableFuture<Void> round = c.round();
        scheduler.runDue();
        assertThat(heard).containsExactly("a FELL false probe timed out after PT1S");
        assertThat(interrupted).isTrue();
        assertThat(round).isCompleted();
    }

    @Test
    void whileATimedOutProbeStillRunsEachRoundCountsOneMoreFailureAndStartsNoProbe() {
        Member a = member("a");
        AtomicInteger calls = new AtomicInteger();
        ActiveChecker[] c = new ActiveChecker[1];
        c[0] = checker(health((s, t) -> {
            if (calls.incrementAndGet() == 1) {
                ticker.advance(t);
                scheduler.runDue(); // timed out, yet still running: two rounds come meanwhile
                Thread.interrupted();
                c[0].round();
                c[0].round();
                scheduler.runDue();
            }
            return HealthCheckResult.pass();
        }).fall(3).build(), scheduler);
        c[0].round();
        scheduler.runDue();
        assertThat(calls).hasValue(1);
        assertThat(heard).containsExactly("a NONE false probe timed out after PT1S",
                "a NONE false previous probe still running after the PT1S timeout",
                "a FELL false previous probe still running after the PT1S timeout");
        assertThat(a.probe.probing).isFalse(); // it returned at last: the next round may probe again
        c[0].round();
        scheduler.runDue();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aRoundWhileAProbeIsInFlightWithinItsTimeoutStartsNothingAndCountsNothing() {
        member("a");
        AtomicInteger calls = new AtomicInteger();
        List<Boolean> nestedRoundDone = new ArrayList<>();
        ActiveChecker[] c = new ActiveChecker[1];
        c[0] = checker(health((s, t) -> {
            if (calls.incrementAndGet() == 1) {
                nestedRoundDone.add(c[0].round().isDone());
                assertThat(scheduler.waiting()).hasSize(1); // only this probe's timeout: no second probe queued
            }
            return HealthCheckResult.pass();
        }).build(), scheduler);
        c[0].round();
        scheduler.runDue();
        assertThat(calls).hasValue(1);
        assertThat(nestedRoundDone).containsExactly(true); // nothing of its own to wait for
        assertThat(heard).containsExactly("a NONE true ok");
    }

    @Test
    void aProbeThatThrowsCountsAsFailedWithTheException() {
        member("a");
        ActiveChecker c = checker(health((s, t) -> {
            throw new IllegalStateException("no route");
        }).build(), scheduler);
        c.round();
        scheduler.runDue();
        assertThat(heard).containsExactly("a FELL false probe failed: java.lang.IllegalStateException: no route");
    }

    @Test
    void aProbeThatReturnsNullCountsAsFailed() {
        member("a");
        ActiveChecker c = checker(health((s, t) -> null).build(), scheduler);
        c.round();
        scheduler.runDue();
        assertThat(heard).containsExactly("a FELL false probe returned no result");
    }

    @Test
    void aProbeThatIsInterruptedCountsAsFailed() {
        member("a");
        ActiveChecker c = checker(health((s, t) -> {
            throw new InterruptedException();
        }).build(), scheduler);
        c.round();
        scheduler.runDue();
        assertThat(heard).containsExactly("a FELL false probe interrupted");
    }

    @Test
    void aTargetThatThrowsStopsNeitherTheRoundNorTheNextOne() {
        Member a = member("a");
        AtomicInteger calls = new AtomicInteger();
        ActiveChecker c = new ActiveChecker(health((s, t) -> {
            calls.incrementAndGet();
            return HealthCheckResult.fail("503");
        }).fall(2).build(), "checked", () -> members, (m, change, r) -> {
            throw new IllegalStateException("target bug");
        }, scheduler);
        toClose.add(c);
        CompletableFuture<Void> round = c.round();
        scheduler.runDue();
        assertThat(round).isCompleted(); // settled, not failed
        c.round();
        scheduler.runDue();
        assertThat(calls).hasValue(2);
        assertThat(a.probe.down()).isTrue(); // both results were applied
    }

    @Test
    void aScheduledRoundThatFailsDoesNotStopTheSchedule() {
        member("a");
        AtomicInteger lists = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        ActiveChecker c = checker(health((s, t) -> {
            calls.incrementAndGet();
            return HealthCheckResult.pass();
        }).build(), () -> {
            if (lists.incrementAndGet() == 1) {
                throw new IllegalStateException("membership bug");
            }
            return members;
        }, scheduler);
        c.start();
        ticker.advance(Duration.ofSeconds(2));
        scheduler.runDue();
        assertThat(calls).hasValue(0);
        ticker.advance(Duration.ofSeconds(2));
        scheduler.runDue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void theResultOfAMemberRemovedMeanwhileIsDropped() {
        Member a = member("a");
        ActiveChecker c = checker(health((s, t) -> {
            a.removed = true;
            return HealthCheckResult.fail("gone");
        }).build(), scheduler);
        c.round();
        scheduler.runDue();
        assertThat(heard).isEmpty();
        assertThat(a.probe.down()).isFalse(); // not even counted
        assertThat(a.probe.probing).isFalse();
    }

    @Test
    void closeCancelsTheRoundsAndLeavesAnInjectedExecutorRunning() {
        AtomicInteger calls = new AtomicInteger();
        member("a");
        ActiveChecker c = checker(health((s, t) -> {
            calls.incrementAndGet();
            return HealthCheckResult.pass();
        }).build(), scheduler);
        c.start();
        c.close();
        assertThat(scheduler.waiting()).isEmpty(); // the periodic round was cancelled
        assertThat(scheduler.isShutdown()).isFalse();
        ticker.advance(Duration.ofSeconds(10));
        scheduler.runDue();
        assertThat(calls).hasValue(0);
    }

    @Test
    void aProbeStillWaitingForAThreadAtCloseNeverRunsAndFreesItsSlot() {
        Member a = member("a");
        AtomicInteger calls = new AtomicInteger();
        ActiveChecker c = checker(health((s, t) -> {
            calls.incrementAndGet();
            return HealthCheckResult.pass();
        }).build(), scheduler);
        CompletableFuture<Void> round = c.round();
        c.close();
        assertThat(round).isCompleted();
        assertThat(a.probe.probing).isFalse();
        assertThat(scheduler.waiting()).isEmpty(); // the queued probe was cancelled
        scheduler.runDue();
        assertThat(calls).hasValue(0);
        assertThat(heard).isEmpty(); // nothing is reported after close
    }

    @Test
    void afterCloseARoundDoesNothing() {
        member("a");
        AtomicInteger calls = new AtomicInteger();
        ActiveChecker c = checker(health((s, t) -> {
            calls.incrementAndGet();
            return HealthCheckResult.pass();
        }).build(), scheduler);
        c.close();
        assertThat(c.round()).isCompleted();
        assertThat(scheduler.waiting()).isEmpty();
        assertThat(calls).hasValue(0);
    }

    // ------------------------------------------------------------------ real threads, bounded waits

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
        }).timeout(Duration.ofSeconds(30)).build(), realExecutor());
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
        ActiveChecker c = new ActiveChecker(health((s, t) -> {
            calls.incrementAndGet();
            twoStarted.countDown();
            release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            return HealthCheckResult.pass();
        }).timeout(Duration.ofSeconds(30)).concurrency(2).build(), "checker-bounded", () -> members, target, null);
        toClose.add(c);
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
        ActiveChecker c = new ActiveChecker(health((s, t) -> HealthCheckResult.pass()).build(), "checker-idle", () -> members,
                target, null);
        toClose.add(c);
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
        ActiveChecker c = new ActiveChecker(health((s, t) -> {
            probeThreads.add(Thread.currentThread());
            return HealthCheckResult.pass();
        }).build(), "checker-named", () -> members, target, null);
        toClose.add(c);
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
        ActiveChecker c = new ActiveChecker(health((s, t) -> {
            try {
                new CountDownLatch(1).await(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HealthCheckResult.pass();
        }).timeout(Duration.ofMillis(100)).build(), "checker-hung", () -> members, target, null);
        toClose.add(c);
        c.round().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(heard).containsExactly("a FELL false probe timed out after PT0.1S");
        assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closeInterruptsAProbeInFlightAndReportsNothingMore() throws Exception {
        member("a");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ActiveChecker c = new ActiveChecker(health((s, t) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HealthCheckResult.pass();
        }).timeout(Duration.ofSeconds(30)).build(), "checker-closing", () -> members, target, null);
        toClose.add(c);
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
        }).timeout(Duration.ofSeconds(30)).build(), executor);
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
        ActiveChecker c = new ActiveChecker(health((s, t) -> HealthCheckResult.pass()).build(), "checker-waiting", () -> members,
                target, null);
        toClose.add(c);
        c.roundAndWait();
        assertThat(heard).containsExactlyInAnyOrder("a NONE true ok", "b NONE true ok");
    }
}
