package io.lb4j.pool;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import io.lb4j.api.Server;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every strategy, through a real pool: health features reach every algorithm with no special case.
 * Picks alternate between no key and keys {@code k0, k1, ...} so hashing strategies are exercised too.
 */
class PoolStrategyContractTest {
    private final ManualTicker ticker = new ManualTicker();

    static List<String> strategies() {
        return Strategies.names();
    }

    private LoadBalancingPool pool(String strategy, PoolConfig cfg, Server... servers) {
        PoolBuilder b = LoadBalancingPool.builder("contract").strategy(Strategies.byName(strategy))
                .ticker(ticker).config(cfg).scheduleHealthChecks(false);
        for (Server s : servers) {
            b.server(s);
        }
        return b.build();
    }

    private static PickContext ctx(int i) {
        return i % 2 == 0 ? PickContext.none() : PickContext.ofKey("k" + i);
    }

    /** Picks n times, holding every lease open when {@code hold}, else completing at once. */
    private static Map<String, Integer> picks(LoadBalancingPool p, int n, boolean hold) {
        Map<String, Integer> counts = new HashMap<>();
        List<Lease> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Lease l = p.acquire(ctx(i));
            counts.merge(l.server().id(), 1, Integer::sum);
            if (hold) {
                open.add(l);
            } else {
                l.success(1_000_000L);
            }
        }
        open.forEach(l -> l.success(1_000_000L));
        return counts;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void emptyPoolFailsNamingThePool(String strategy) {
        LoadBalancingPool p = pool(strategy, PoolConfig.ofDefaults());
        assertThatThrownBy(() -> p.acquire(PickContext.ofKey("x"))).isInstanceOf(NoAvailableServerException.class)
                .hasMessageContaining("pool 'contract'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void singleServerIsAlwaysPicked(String strategy) {
        LoadBalancingPool p = pool(strategy, PoolConfig.ofDefaults(), server("only"));
        assertThat(picks(p, 50, false)).containsOnlyKeys("only");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void allEjectedFailsSayingSo(String strategy) {
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10)))
                .maxEjectionPercent(100).build();
        LoadBalancingPool p = pool(strategy, cfg, server("a"), server("b"));
        for (int i = 0; i < 100 && (p.state("a") == HealthState.UP || p.state("b") == HealthState.UP); i++) {
            p.acquire(ctx(i)).failure(new IOException("down"));
        }
        assertThatThrownBy(p::acquire).hasMessageContaining("all 2 servers are ejected");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void quiescedDownAndDrainingServersAreNeverPicked(String strategy) {
        LoadBalancingPool p = pool(strategy, PoolConfig.ofDefaults(),
                server("a"), server("q", 0), server("d"), server("r"));
        p.markDown("d");
        p.drain("r");
        assertThat(picks(p, 200, true)).containsOnlyKeys("a");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void removedServerIsNeverPickedAfterRemoval(String strategy) {
        LoadBalancingPool p = pool(strategy, PoolConfig.ofDefaults(), server("a"), server("b"), server("c"));
        p.remove("b");
        assertThat(picks(p, 300, true)).doesNotContainKey("b").containsKeys("a", "c");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void backupsServeOnlyWhilePrimariesAreUnavailable(String strategy) {
        Server bk = Server.builder("127.0.0.1", 7070).id("bk").backup(true).build();
        LoadBalancingPool p = pool(strategy, PoolConfig.ofDefaults(), server("a"), server("b"), bk);
        assertThat(picks(p, 100, true)).doesNotContainKey("bk");
        p.markDown("a");
        p.markDown("b");
        assertThat(picks(p, 20, true)).containsOnlyKeys("bk");
        p.markUp("b");
        assertThat(picks(p, 20, true)).containsOnlyKeys("b");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void exclusionsAreHonoured(String strategy) {
        LoadBalancingPool p = pool(strategy, PoolConfig.ofDefaults(), server("a"), server("b"), server("c"));
        for (int i = 0; i < 50; i++) {
            Lease l = p.acquire(ctx(i).excluding(List.of("a", "c")));
            assertThat(l.server().id()).isEqualTo("b");
            l.success(1000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void slowStartRampsTheWeightEveryStrategySees(String strategy) {
        PoolConfig cfg = PoolConfig.custom().slowStart(Duration.ofSeconds(10)).build();
        LoadBalancingPool p = pool(strategy, cfg, server("a", 10));
        p.add(server("b", 10));
        assertThat(p.eligible()).extracting(e -> e.weight()).containsExactly(10.0, 1.0);
        ticker.advance(Duration.ofSeconds(10));
        assertThat(p.eligible()).extracting(e -> e.weight()).containsExactly(10.0, 10.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void concurrentPicksDuringUpdatesNeverSeeARemovedServer(String strategy) throws Exception {
        LoadBalancingPool p = pool(strategy, PoolConfig.ofDefaults(), server("a"), server("b"));
        Set<String> removed = ConcurrentHashMap.newKeySet();
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Runnable picker = () -> {
            try {
                for (int i = 0; done.get() == 0; i++) {
                    Set<String> gone = Set.copyOf(removed);
                    Lease l = p.acquire(ctx(i));
                    if (gone.contains(l.server().id())) {
                        violations.incrementAndGet();
                    }
                    l.success(1000);
                }
            } catch (Throwable t) {
                error.compareAndSet(null, t);
            }
        };
        Thread t1 = new Thread(picker);
        Thread t2 = new Thread(picker);
        t1.start();
        t2.start();
        for (int i = 0; i < 300; i++) {
            p.add(server("x" + i, 1 + i % 3));
            p.setWeight("a", 1 + i % 5);
            p.remove("x" + i);
            removed.add("x" + i);
        }
        done.set(1);
        t1.join(30_000);
        t2.join(30_000);
        assertThat(error.get()).isNull();
        assertThat(violations.get()).isZero();
    }
}
