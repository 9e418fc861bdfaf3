package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

class MembershipRacesTest {

    private static Lease leaseOn(LoadBalancingPool p, String id) {
        for (int i = 0; i < 100; i++) {
            Lease l = p.acquire();
            if (l.server().id().equals(id)) {
                return l;
            }
            l.success(1_000_000L);
        }
        throw new AssertionError("no lease on " + id);
    }

    /** markUp on a member that update() removed (still draining its in-flight calls) is refused: no resurrection. */
    @Test
    void markUpCannotResurrectAServerThatUpdateRemoved() {
        LoadBalancingPool p = pool(new ManualTicker(), PoolConfig.ofDefaults(), server("a"), server("b")).build();
        Lease inFlight = leaseOn(p, "a");
        p.update(List.of(server("b"))); // a leaves, draining
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.markUp("a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is leaving (removed by update)");
        inFlight.success(1_000_000L);
        assertThat(p.servers()).extracting(s -> s.id()).containsExactly("b");
    }

    /** An operator's drain survives an update that removes the server and lists it again; its future completes. */
    @Test
    void anOperatorsDrainSurvivesAnUpdateThatRelistsTheServer() {
        LoadBalancingPool p = pool(new ManualTicker(), PoolConfig.ofDefaults(), server("a"), server("b")).build();
        Lease inFlight = leaseOn(p, "a");
        CompletableFuture<Void> drained = p.drain("a");
        p.update(List.of(server("b")));
        p.update(List.of(server("a"), server("b"))); // discovery flaps back
        inFlight.success(1_000_000L);
        assertThat(drained).isCompleted();
    }

    /**
     * A lease completing while update() removes its server: update() sets draining before it reads the
     * in-flight count, so whichever comes second drops the member. A stress loop (the window is a few ns).
     */
    @Test
    void aLeaseCompletingDuringUpdateNeverLosesTheRemoval() throws Exception {
        int leaked = 0;
        for (int round = 0; round < 2_000 && leaked == 0; round++) {
            LoadBalancingPool p = pool(new ManualTicker(), PoolConfig.ofDefaults(), server("a"), server("b")).build();
            Lease l = leaseOn(p, "a");
            CyclicBarrier go = new CyclicBarrier(2);
            Thread t = new Thread(() -> {
                try { go.await(); } catch (Exception e) { throw new RuntimeException(e); }
                l.success(1_000_000L);
            });
            t.start();
            go.await();
            p.update(List.of(server("b")));
            t.join();
            if (p.servers().size() == 2) {
                leaked = round + 1;
            }
        }
        assertThat(leaked).as("round at which a leaving member with 0 in flight was never dropped").isZero();
    }

    /** A round that was already iterating members when close() ran starts no probe after close (injected executor). */
    @Test
    void noProbeStartsAfterClose() throws Exception {
        CountDownLatch inRebuild = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean block = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        AtomicInteger probesAfterClose = new AtomicInteger();
        Rotation rot = new Rotation();
        Strategy blocking = new Strategy() {
            public String name() { return "blocking"; }
            public Picker newPicker(List<Endpoint> e) {
                if (block.get()) {
                    inRebuild.countDown();
                    try { release.await(5, TimeUnit.SECONDS); } catch (InterruptedException ex) { throw new RuntimeException(ex); }
                }
                return rot.newPicker(e);
            }
        };
        ScheduledExecutorService exec = Executors.newScheduledThreadPool(2);
        try {
            ActiveHealth active = ActiveHealth.custom((s, to) -> {
                if (closed.get()) {
                    probesAfterClose.incrementAndGet();
                }
                return HealthCheckResult.pass();
            }).build();
            LoadBalancingPool p = LoadBalancingPool.builder("t").strategy(blocking).ticker(new ManualTicker())
                    .config(PoolConfig.custom().activeHealth(active).build()).healthExecutor(exec)
                    .scheduleHealthChecks(false).server(server("a")).server(server("b")).build();
            block.set(true);
            Thread op = new Thread(() -> p.markDown("b")); // holds the pool lock in rebuild
            op.start();
            assertThat(inRebuild.await(5, TimeUnit.SECONDS)).isTrue();
            Thread round = new Thread(p::checkHealthNow);     // blocks in memberList()
            round.start();
            Thread.sleep(200); // let the round reach memberList (a bounded wait for another thread, not time under test)
            p.close();
            closed.set(true);
            release.countDown();
            op.join(5000);
            round.join(5000);
            exec.shutdown();
            exec.awaitTermination(5, TimeUnit.SECONDS);
            assertThat(probesAfterClose.get()).isZero();
        } finally {
            exec.shutdownNow();
        }
    }

}
