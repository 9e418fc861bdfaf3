package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Outcome;
import io.lb4j.api.PickContext;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.lb4j.pool.PoolFixture.backup;
import static io.lb4j.pool.PoolFixture.pickCounts;
import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadBalancingPoolTest {
    private final ManualTicker ticker = new ManualTicker();
    private final PoolConfig noPassive = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();

    @Test
    void emptyPoolFailsNamingThePool() {
        LoadBalancingPool p = pool(ticker, noPassive).build();
        assertThatThrownBy(p::acquire).isInstanceOf(NoAvailableServerException.class)
                .hasMessage("pool 'test' has no available server: the pool has no servers")
                .extracting(e -> ((NoAvailableServerException) e).reason()).isEqualTo(NoAvailableServerException.Reason.EMPTY);
    }

    @Test
    void allDownFailsSayingSo() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        p.markDown("a");
        p.markDown("b");
        assertThatThrownBy(p::acquire).isInstanceOf(NoAvailableServerException.class)
                .hasMessage("pool 'test' has no available server: all 2 servers are down");
    }

    @Test
    void allQuiescedFailsSayingSo() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a", 0), server("b", 0)).build();
        assertThatThrownBy(p::acquire).hasMessage("pool 'test' has no available server: all 2 servers are quiesced (weight 0)");
    }

    @Test
    void mixedUnavailabilityIsCounted() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b", 0)).build();
        p.markDown("a");
        assertThatThrownBy(p::acquire).hasMessage("pool 'test' has no available server: of 2 servers, 1 down, 1 quiesced (weight 0)");
    }

    @Test
    void quiescedServerIsNeverPicked() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        p.setWeight("b", 0);
        assertThat(pickCounts(p, 20)).containsOnlyKeys("a");
    }

    @Test
    void leaseCountsInFlightUntilCompleted() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        Lease l1 = p.acquire();
        Lease l2 = p.acquire();
        assertThat(p.stats("a").inFlight()).isEqualTo(2);
        l1.success();
        l2.drop();
        assertThat(p.stats("a").inFlight()).isZero();
        assertThat(p.stats("a").picks()).isEqualTo(2);
        assertThat(p.stats("a").successes()).isEqualTo(1);
        assertThat(p.stats("a").drops()).isEqualTo(1);
    }

    @Test
    void completingTwiceCountsOnce() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        Lease l = p.acquire();
        l.success();
        l.failure(new RuntimeException("late"));
        l.success();
        assertThat(l.isCompleted()).isTrue();
        assertThat(p.stats("a").inFlight()).isZero();
        assertThat(p.stats("a").successes()).isEqualTo(1);
        assertThat(p.stats("a").failures()).isZero();
    }

    @Test
    void leaseRejectsBadCompletionArguments() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        Lease l = p.acquire();
        assertThatThrownBy(() -> l.complete(null, null, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outcome");
        assertThatThrownBy(() -> l.success(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latencyNanos must be >= 0, was -5");
        assertThatThrownBy(() -> l.complete(Outcome.SUCCESS, null, -2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(l.isCompleted()).isFalse();
        assertThat(p.stats("a").inFlight()).isEqualTo(1);
    }

    @Test
    void leaseMeasuresLatencyOnThePoolTicker() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        Lease l = p.acquire();
        ticker.advanceMillis(40);
        l.success();
        assertThat(p.stats("a").latencyNanos()).isEqualTo(40_000_000.0);
    }

    @Test
    void peakEwmaTakesPeaksAtOnceAndForgetsThemWithTheDecayTime() {
        PoolConfig cfg = PoolConfig.from(noPassive).latencyDecay(Duration.ofSeconds(10)).build();
        LoadBalancingPool p = pool(ticker, cfg, server("a")).build();
        p.acquire().success(10_000_000L);
        p.acquire().success(100_000_000L);
        assertThat(p.stats("a").latencyNanos()).isEqualTo(100_000_000.0); // the peak, at once
        // a sample with its latency is dated at acquire + latency: 100 ms; one decay time later e^-1 remains
        ticker.advance(Duration.ofMillis(10_100));
        assertThat(p.stats("a").latencyNanos()).isCloseTo(100_000_000.0 * Math.exp(-1), org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void backupIsPickedOnlyWhenNoPrimaryIsAvailable() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b"), backup("bk")).build();
        assertThat(pickCounts(p, 10)).containsOnlyKeys("a", "b");
        p.markDown("a");
        p.markDown("b");
        assertThat(pickCounts(p, 10)).containsOnlyKeys("bk");
        p.markUp("a");
        assertThat(pickCounts(p, 10)).containsOnlyKeys("a");
    }

    @Test
    void drainingServerGetsNoNewPicksAndCompletesWhenIdle() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        Lease onA = null;
        for (int i = 0; i < 4 && onA == null; i++) {
            Lease l = p.acquire();
            if (l.server().id().equals("a")) {
                onA = l;
            } else {
                l.success();
            }
        }
        assertThat(onA).isNotNull();
        CompletableFuture<Void> drained = p.drain("a");
        assertThat(p.state("a")).isEqualTo(HealthState.DRAINING);
        assertThat(pickCounts(p, 10)).containsOnlyKeys("b");
        assertThat(drained).isNotDone();
        onA.success();
        assertThat(drained).isCompleted();
    }

    @Test
    void drainOfIdleServerCompletesAtOnce() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        assertThat(p.drain("a")).isCompleted();
    }

    @Test
    void removedServerIsNeverPickedAndLateCompletionIsHarmless() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        Lease open = p.acquire();
        assertThat(p.remove(open.server().id())).isTrue();
        String other = open.server().id().equals("a") ? "b" : "a";
        assertThat(pickCounts(p, 10)).containsOnlyKeys(other);
        open.failure(new RuntimeException("late"));
        assertThat(p.servers()).extracting(Server::id).containsExactly(other);
    }

    @Test
    void removingUnknownServerReturnsFalse() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        assertThat(p.remove("zz")).isFalse();
    }

    @Test
    void operationsOnUnknownServerNameThePoolAndTheId() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        assertThatThrownBy(() -> p.markDown("zz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool 'test' has no server with id 'zz'; members: [a]");
        assertThatThrownBy(() -> p.setWeight("zz", 1)).hasMessageContaining("no server with id 'zz'");
        assertThatThrownBy(() -> p.stats("zz")).hasMessageContaining("no server with id 'zz'");
    }

    @Test
    void duplicateIdIsRejected() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        assertThatThrownBy(() -> p.add(server("a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool 'test' already has a server with id 'a'");
        assertThatThrownBy(() -> pool(ticker, noPassive, server("a"), server("a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a server with id 'a'");
    }

    @Test
    void builderValidatesNameStrategyAndWeights() {
        assertThatThrownBy(() -> LoadBalancingPool.builder(" ")).hasMessage("name must not be blank, was ' '");
        assertThatThrownBy(() -> LoadBalancingPool.builder("p").build()).hasMessage("strategy must be set for pool 'p'");
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        assertThatThrownBy(() -> p.setWeight("a", -1)).hasMessage("weight must be in [0, 1000000], was -1");
        assertThatThrownBy(() -> p.acquire(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context");
        assertThatThrownBy(() -> p.add(null)).isInstanceOf(IllegalArgumentException.class).hasMessage("server must not be null");
    }

    @Test
    void exclusionsAreHonouredForAnyStrategy() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b"), server("c")).build();
        PickContext ctx = PickContext.none().excluding(List.of("a", "b"));
        for (int i = 0; i < 10; i++) {
            Lease l = p.acquire(ctx);
            assertThat(l.server().id()).isEqualTo("c");
            l.success();
        }
    }

    @Test
    void excludingEveryServerFailsClearly() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        assertThatThrownBy(() -> p.acquire(PickContext.none().excluding(List.of("a", "b"))))
                .isInstanceOf(NoAvailableServerException.class)
                .hasMessageContaining("all 2 available servers were excluded")
                .extracting(e -> ((NoAvailableServerException) e).reason()).isEqualTo(NoAvailableServerException.Reason.ALL_EXCLUDED);
    }

    @Test
    void listenersSeeEveryTransitionAndAThrowingListenerBreaksNothing() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        List<HealthEvent> seen = new ArrayList<>();
        p.addListener(e -> {
            throw new IllegalStateException("listener bug");
        });
        p.addListener(seen::add);
        p.markDown("a");
        p.markDown("a"); // no transition, no event
        p.markUp("a");
        p.add(server("c"));
        p.remove("c");
        p.setWeight("b", 5);
        assertThat(seen).extracting(HealthEvent::kind).containsExactly(
                HealthEvent.Kind.STATE_CHANGED, HealthEvent.Kind.STATE_CHANGED,
                HealthEvent.Kind.ADDED, HealthEvent.Kind.REMOVED, HealthEvent.Kind.WEIGHT_CHANGED);
        assertThat(seen.get(0).previous()).isEqualTo(HealthState.UP);
        assertThat(seen.get(0).current()).isEqualTo(HealthState.DOWN);
        assertThat(seen.get(0).reason()).isEqualTo("marked down");
        assertThat(pickCounts(p, 4)).containsOnlyKeys("a", "b");
    }

    @Test
    void closedPoolRefusesPicks() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        p.close();
        assertThatThrownBy(p::acquire).isInstanceOf(NoAvailableServerException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> p.add(server("b"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void weightsReachTheStrategyThroughEndpoints() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a", 3), server("b", 1)).build();
        assertThat(p.eligible()).extracting(e -> e.weight()).containsExactly(3.0, 1.0);
        p.setWeight("b", 4);
        assertThat(p.eligible()).extracting(e -> e.weight()).containsExactly(3.0, 4.0);
    }

    @Test
    void statsListEveryMemberInOrder() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        Map<String, Integer> c = pickCounts(p, 4);
        assertThat(c).containsEntry("a", 2).containsEntry("b", 2);
        assertThat(p.stats()).extracting(s -> s.server().id()).containsExactly("a", "b");
        assertThat(p.stats()).extracting(s -> s.picks()).containsExactly(2L, 2L);
    }
    @Test
    void serverAddedDownIsAnnouncedDownAndNotPicked() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a")).build();
        List<HealthEvent> seen = new ArrayList<>();
        p.addListener(seen::add);
        p.addDown(server("b"));
        assertThat(seen).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(HealthEvent.Kind.ADDED);
            assertThat(e.current()).isEqualTo(HealthState.DOWN);
        });
        assertThat(pickCounts(p, 6)).containsOnlyKeys("a");
        p.markUp("b");
        assertThat(pickCounts(p, 6)).containsOnlyKeys("a", "b");
    }

    @Test
    void aPreferredEligibleServerIsPickedDirectly() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b"), server("c")).build();
        for (int i = 0; i < 10; i++) {
            Lease l = p.acquire(PickContext.none().preferring("b"));
            assertThat(l.server().id()).isEqualTo("b");
            l.success();
        }
    }

    @Test
    void aPreferredServerThatIsDownUnknownOrExcludedFallsBackToTheStrategy() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b")).build();
        p.markDown("b");
        assertThat(p.acquire(PickContext.none().preferring("b")).server().id()).isEqualTo("a");
        assertThat(p.acquire(PickContext.none().preferring("10.0.0.1:80")).server().id()).isIn("a", "b").isEqualTo("a");
        p.markUp("b");
        assertThat(p.acquire(PickContext.none().preferring("b").excluding(List.of("b"))).server().id()).isEqualTo("a");
    }
}
