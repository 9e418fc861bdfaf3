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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ActiveChecker, deterministically on a hand-driven {@link ManualScheduler}: rounds every interval, results
 * against rise/fall, one probe in flight per server, timeouts counted from the probe's start, containment
 * and close(). On real threads: {@link ActiveCheckerThreadsTest}.
 */
class ActiveCheckerTest {
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
        Member m = new Member(server(id), ticker, Duration.ofSeconds(10).toNanos(), 1);
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
}
