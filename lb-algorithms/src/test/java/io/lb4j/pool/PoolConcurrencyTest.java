package io.lb4j.pool;

import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** Two threads pick while a third changes membership; a removal that returned is never undone by a pick. */
class PoolConcurrencyTest {

    @Test
    void picksDuringMembershipChangesNeverReturnARemovedServer() throws Exception {
        ManualTicker ticker = new ManualTicker();
        LoadBalancingPool pool = PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("stable")).build();
        ConcurrentHashMap<String, Boolean> removed = new ConcurrentHashMap<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger picks = new AtomicInteger();
        int rounds = 2_000;
        CyclicBarrier start = new CyclicBarrier(3);
        Runnable picker = () -> {
            try {
                start.await();
                while (!removed.containsKey("done")) {
                    // snapshot the removals that have returned before this pick started
                    java.util.Set<String> gone = new java.util.HashSet<>(removed.keySet());
                    Lease l = pool.acquire();
                    if (gone.contains(l.server().id())) {
                        violations.incrementAndGet();
                    }
                    l.success(1000);
                    picks.incrementAndGet();
                }
            } catch (NoAvailableServerException e) {
                error.compareAndSet(null, e); // "stable" is always there
            } catch (Throwable t) {
                error.compareAndSet(null, t);
            }
        };
        Thread t1 = new Thread(picker);
        Thread t2 = new Thread(picker);
        t1.start();
        t2.start();
        start.await();
        for (int i = 0; i < rounds; i++) {
            Server s = server("s" + i);
            pool.add(s);
            if (i % 3 == 0) {
                pool.setWeight(s.id(), 0);
            }
            pool.remove(s.id());
            removed.put(s.id(), true);
        }
        removed.put("done", true);
        t1.join(30_000);
        t2.join(30_000);
        assertThat(error.get()).isNull();
        assertThat(violations.get()).isZero();
        assertThat(picks.get()).isPositive();
        assertThat(pool.servers()).extracting(Server::id).containsExactly("stable");
        assertThat(pool.stats("stable").inFlight()).isZero();
    }
}
