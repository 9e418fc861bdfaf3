package io.lb4j.pool;

import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Outcome;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

class PoolLeaseTest {
    private final ManualTicker ticker = new ManualTicker();
    private final LoadBalancingPool p = pool(ticker, PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build(),
            server("a")).build();

    @Test
    void showsServerAndWhetherItIsOpen() {
        Lease l = p.acquire();
        assertThat(l.toString()).isEqualTo("Lease[a, open]");
        assertThat(l.endpoint().server()).isEqualTo(l.server());
        l.drop();
        assertThat(l.toString()).isEqualTo("Lease[a, completed]");
    }

    @Test
    void aCompletionFromAnotherThreadCountsOnce() throws Exception {
        Lease l = p.acquire();
        Thread t = new Thread(() -> l.failure(new IOException("x"), 5));
        t.start();
        t.join();
        l.complete(Outcome.SUCCESS, null, 1); // after the other thread's completion: ignored
        assertThat(p.stats("a").failures()).isEqualTo(1);
        assertThat(p.stats("a").successes()).isZero();
        assertThat(p.stats("a").inFlight()).isZero();
    }

    @Test
    void explicitLatencyIsUsedInsteadOfTheTicker() {
        Lease l = p.acquire();
        ticker.advanceMillis(7);
        l.success(7_000_000L);
        assertThat(p.stats("a").latencyNanos()).isEqualTo(7_000_000.0);
    }

    @Test
    void aSuccessWithItsLatencyIsDatedAtAcquirePlusLatencyWithoutAClockRead() {
        AtomicInteger reads = new AtomicInteger();
        LoadBalancingPool counted = pool(() -> {
            reads.incrementAndGet();
            return ticker.read();
        }, PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build(), server("a")).build();
        Lease l = counted.acquire();
        int afterAcquire = reads.get();
        ticker.advanceMillis(50);
        l.success(7_000_000L);
        assertThat(reads.get()).isEqualTo(afterAcquire);
        // dated at 7 ms: read at 50 ms, the estimate has decayed by 43 ms of the 10 s decay time
        assertThat(counted.stats("a").latencyNanos()).isCloseTo(7_000_000.0 * Math.exp(-0.0043), Offset.offset(1.0));
    }

    @Test
    void aFailureOrAnImplausibleLatencyReadsTheClock() {
        AtomicInteger reads = new AtomicInteger();
        LoadBalancingPool counted = pool(() -> {
            reads.incrementAndGet();
            return ticker.read();
        }, PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build(), server("a")).build();
        Lease failed = counted.acquire();
        int before = reads.get();
        failed.failure(new IOException("x"), 1_000);
        assertThat(reads.get()).isEqualTo(before + 1);
        Lease slow = counted.acquire();
        before = reads.get();
        slow.success(Feedback.TRUSTED_LATENCY_NANOS + 1);
        assertThat(reads.get()).isEqualTo(before + 1);
    }
}
