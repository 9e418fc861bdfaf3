package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** A pick that read the snapshot before a drain was published must not slip a request past the drain. */
class DrainRaceTest {

    @Test
    void aPickRacingADrainBacksOffToAnotherServer() throws Exception {
        CountDownLatch picked = new CountDownLatch(1);
        CountDownLatch drainDone = new CountDownLatch(1);
        AtomicBoolean stall = new AtomicBoolean(true);
        Strategy stallsOnce = new Strategy() {
            @Override
            public String name() {
                return "stalls-once";
            }

            @Override
            public Picker newPicker(List<Endpoint> endpoints) {
                Endpoint[] es = endpoints.toArray(new Endpoint[0]);
                return ctx -> {
                    for (Endpoint e : es) {
                        if (!ctx.excludedIds().contains(e.server().id())) {
                            if (e.server().id().equals("a") && stall.getAndSet(false)) {
                                picked.countDown(); // chose a from the old snapshot; now let the drain run
                                try {
                                    drainDone.await(5, TimeUnit.SECONDS);
                                } catch (InterruptedException ex) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            return e;
                        }
                    }
                    return es[0];
                };
            }
        };
        LoadBalancingPool pool = PoolFixture.pool(new ManualTicker(), PoolConfig.ofDefaults()).strategy(stallsOnce)
                .server(server("a")).server(server("b")).build();
        CompletableFuture<Lease> racing = CompletableFuture.supplyAsync(pool::acquire);
        assertThat(picked.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> drained = pool.drain("a"); // nothing in flight yet: done at once
        drainDone.countDown();
        Lease lease = racing.get(5, TimeUnit.SECONDS);

        assertThat(drained).isCompleted();
        assertThat(lease.server().id()).isEqualTo("b"); // the racing pick gave a back and took b
        assertThat(pool.stats("a").inFlight()).isZero();
        lease.success();
        pool.close();
    }
}
