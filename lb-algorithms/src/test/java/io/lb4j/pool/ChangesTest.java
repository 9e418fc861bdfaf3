package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link Changes}: every change published once, under the lock; events after it; refreshes never wait. */
class ChangesTest {
    private final ManualTicker ticker = new ManualTicker();
    private final LoadBalancingPool pool = pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b")).build();

    @Test
    void aChangeThatChangesNothingPublishesNothingAndFiresNothing() {
        List<HealthEvent> heard = new ArrayList<>();
        pool.addListener(heard::add);
        Snapshot before = pool.snapshot();

        pool.changes().apply(() -> null);

        assertThat(pool.snapshot()).isSameAs(before);
        assertThat(heard).isEmpty();
    }

    @Test
    void aChangeIsPublishedUnderTheLockAndItsEventsFireAfterIt() {
        List<Boolean> lockHeldWhenHeard = new ArrayList<>();
        pool.addListener(e -> lockHeldWhenHeard.add(pool.lock().isHeldByCurrentThread()));
        boolean[] lockHeldInChange = new boolean[1];
        Snapshot before = pool.snapshot();

        pool.changes().apply(() -> {
            lockHeldInChange[0] = pool.lock().isHeldByCurrentThread();
            return Membership.add(pool, Server.of("127.0.0.1", 9), false);
        });

        assertThat(lockHeldInChange[0]).isTrue();
        assertThat(pool.snapshot()).isNotSameAs(before);
        assertThat(pool.snapshot().eligible).hasSize(3);
        assertThat(lockHeldWhenHeard).containsExactly(false);
    }

    @Test
    void aRefreshDueWhileAnotherThreadHoldsTheLockReturnsTheCurrentSnapshotAtOnce() throws Exception {
        failUntilEjected("a");
        ticker.advance(Duration.ofSeconds(11)); // past fail_timeout: the snapshot is due
        Snapshot due = pool.snapshot();
        assertThat(due.due(ticker.read())).isTrue();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            pool.lock().lock();
            try {
                held.countDown();
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pool.lock().unlock();
            }
        });
        holder.start();
        held.await(5, TimeUnit.SECONDS);
        try {
            assertThat(pool.changes().refreshIfFree(ticker.read())).isSameAs(due);
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(pool.changes().refreshIfFree(ticker.read())).isNotSameAs(due);
    }

    @Test
    void aHealthTransitionOfARemovedMemberPublishesNothing() {
        Member a = pool.member("a");
        pool.remove("a");
        Snapshot before = pool.snapshot();

        pool.changes().health(a, "late probe");

        assertThat(pool.snapshot()).isSameAs(before);
    }

    private void failUntilEjected(String id) {
        for (int guard = 0; guard < 100 && pool.snapshot().eligible.length == 2; guard++) {
            io.lb4j.api.Lease lease = pool.acquire();
            if (lease.server().id().equals(id)) {
                lease.failure(new java.io.IOException("boom"));
            } else {
                lease.success(1_000_000L);
            }
        }
        assertThat(pool.snapshot().eligible).hasSize(1);
    }
}
