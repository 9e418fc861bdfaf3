package io.lb4j.discovery;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolBinderTest {
    private final ManualTicker ticker = new ManualTicker();
    private final ManualScheduler scheduler = new ManualScheduler(ticker);
    private final TestSource source = new TestSource();
    private final List<DiscoveryEvent> events = new CopyOnWriteArrayList<>();
    private LoadBalancingPool pool;
    private PoolBinder binder;

    @BeforeEach
    void setUp() {
        pool = LoadBalancingPool.builder("fleet").strategy(Strategies.byName("round-robin")).ticker(ticker)
                .build();
        binder = PoolBinder.builder(pool, source).scheduler(scheduler).ticker(ticker).listener(events::add).bind();
    }

    @AfterEach
    void tearDown() {
        binder.close();
        pool.close();
    }

    static Server s(String id) {
        return Server.builder("10.0.0." + (1 + Math.abs(id.hashCode() % 250)), 8080).id(id).build();
    }

    static List<Server> list(String... ids) {
        List<Server> l = new ArrayList<>();
        for (String id : ids) {
            l.add(s(id));
        }
        return l;
    }

    private List<String> poolIds() {
        return pool.servers().stream().map(Server::id).collect(Collectors.toList());
    }

    private List<DiscoveryEvent.Kind> kinds() {
        return events.stream().map(DiscoveryEvent::kind).collect(Collectors.toList());
    }

    @Test
    void firstListIsAppliedAtOnce() {
        source.push(list("a", "b", "c"));
        scheduler.runDue();

        assertThat(poolIds()).containsExactly("a", "b", "c");
        assertThat(binder.updatesApplied()).isEqualTo(1);
        assertThat(kinds()).containsExactly(DiscoveryEvent.Kind.APPLIED);
    }

    @Test
    void aBurstOfAThousandListsMakesOneUpdatePerInterval() {
        source.push(list("s0"));
        scheduler.runDue();
        for (int i = 1; i <= 1000; i++) {
            source.push(IntStream.rangeClosed(0, i).mapToObj(n -> s("s" + n)).collect(Collectors.toList()));
        }
        scheduler.advance(Duration.ofMillis(999));
        assertThat(binder.updatesApplied()).isEqualTo(1);

        scheduler.advance(Duration.ofMillis(1));

        assertThat(binder.updatesApplied()).isEqualTo(2);
        assertThat(pool.servers()).hasSize(1001);
        assertThat(scheduler.ran()).isEqualTo(2);
    }

    @Test
    void aListAfterAQuietPeriodWaitsOnlyTheSettleDelay() {
        source.push(list("a"));
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(5));

        source.push(list("a", "b"));
        scheduler.advance(Duration.ofMillis(249));
        assertThat(poolIds()).containsExactly("a");
        scheduler.advance(Duration.ofMillis(1));

        assertThat(poolIds()).containsExactly("a", "b");
    }

    @Test
    void aNodeDeletedAndRecreatedWithinTheSettleDelayMakesNoFlap() {
        List<HealthEvent> poolEvents = new CopyOnWriteArrayList<>();
        pool.addListener(poolEvents::add);
        source.push(list("a", "b"));
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(5));

        source.push(list("b"));
        scheduler.advance(Duration.ofMillis(20));
        source.push(list("a", "b"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(poolIds()).containsExactly("a", "b");
        assertThat(poolEvents).extracting(HealthEvent::kind).doesNotContain(HealthEvent.Kind.REMOVED);
    }

    @Test
    void aFailingSourceLeavesThePoolAsItIsAndIsReportedOncePerRun() {
        source.push(list("a", "b"));
        scheduler.runDue();

        source.fail(new IOException("SERVFAIL"));
        source.fail(new IOException("SERVFAIL"));
        source.fail(new IOException("timeout"));
        scheduler.advance(Duration.ofSeconds(2));

        assertThat(poolIds()).containsExactly("a", "b");
        assertThat(kinds()).containsExactly(DiscoveryEvent.Kind.APPLIED, DiscoveryEvent.Kind.SOURCE_FAILED);
        assertThat(events.get(1).reason()).contains("SERVFAIL");

        source.push(list("a", "b"));
        source.fail(new IOException("again"));
        assertThat(kinds()).endsWith(DiscoveryEvent.Kind.SOURCE_FAILED, DiscoveryEvent.Kind.SOURCE_FAILED);
    }

    @Test
    void aBrokenSourceDeliveringNullOrANullServerLeavesThePoolAsItIs() {
        io.lb4j.api.ServerSource.Subscriber[] raw = new io.lb4j.api.ServerSource.Subscriber[1];
        io.lb4j.api.ServerSource broken = new io.lb4j.api.ServerSource() { // not an AbstractServerSource: no checks
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Subscription subscribe(Subscriber subscriber) {
                raw[0] = subscriber;
                return () -> { };
            }

            @Override
            public void close() {
            }
        };
        List<DiscoveryEvent> seen = new CopyOnWriteArrayList<>();
        try (PoolBinder b = PoolBinder.builder(pool, broken).scheduler(scheduler).ticker(ticker).listener(seen::add)
                .bind()) {
            raw[0].onServers(list("a", "b"));
            scheduler.runDue();

            raw[0].onServers(null);
            scheduler.advance(Duration.ofSeconds(2));
            raw[0].onServers(list("a", "b"));
            scheduler.advance(Duration.ofSeconds(2));
            raw[0].onServers(java.util.Arrays.asList(s("c"), null));
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(poolIds()).containsExactly("a", "b");
            assertThat(seen).extracting(DiscoveryEvent::kind).containsExactly(DiscoveryEvent.Kind.APPLIED,
                    DiscoveryEvent.Kind.SOURCE_FAILED, DiscoveryEvent.Kind.APPLIED, DiscoveryEvent.Kind.SOURCE_FAILED);
            assertThat(seen.get(1).reason()).contains("delivered a null server list");
            assertThat(seen.get(3).reason()).contains("delivered a server list holding null");

            raw[0].onServers(list("a", "c"));
            scheduler.advance(Duration.ofSeconds(2));
            assertThat(poolIds()).containsExactly("a", "c");
        }
    }

    @Test
    void anEmptyListNeverEmptiesAPoolWithHealthyServers() {
        source.push(list("a", "b"));
        scheduler.runDue();

        source.push(List.of());
        scheduler.advance(Duration.ofSeconds(1));
        source.push(List.of());
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(poolIds()).containsExactly("a", "b");
        assertThat(kinds()).containsExactly(DiscoveryEvent.Kind.APPLIED, DiscoveryEvent.Kind.EMPTY_IGNORED);
        assertThat(binder.updatesApplied()).isEqualTo(1);
    }

    @Test
    void anEmptyListIsAppliedWhenNoServerIsHealthyOnceConfirmedAsAnyLargeRemoval() {
        source.push(list("a", "b"));
        scheduler.runDue();
        pool.markDown("a");
        pool.markDown("b");

        source.push(List.of());
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(kinds()).containsExactly(DiscoveryEvent.Kind.APPLIED, DiscoveryEvent.Kind.REMOVAL_HELD);
        source.push(List.of());
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(pool.servers()).isEmpty();
    }

    @Test
    void aLargeRemovalIsHeldAndTheSourceAskedToReadAgain() {
        source.push(list("a", "b", "c", "d"));
        scheduler.runDue();

        source.push(list("a"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(poolIds()).containsExactly("a", "b", "c", "d");
        assertThat(binder.held()).hasValueSatisfying(h -> assertThat(h).extracting(Server::id).containsExactly("a"));
        assertThat(kinds()).containsExactly(DiscoveryEvent.Kind.APPLIED, DiscoveryEvent.Kind.REMOVAL_HELD);
        assertThat(events.get(1).reason()).contains("3 of 4");
        assertThat(source.refreshes).hasValue(1);
    }

    @Test
    void theNextListConfirmsAHeldRemoval() {
        source.push(list("a", "b", "c", "d"));
        scheduler.runDue();
        source.push(list("a"));
        scheduler.advance(Duration.ofSeconds(1));

        source.push(list("a"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(poolIds()).containsExactly("a");
        assertThat(binder.held()).isEmpty();
        assertThat(kinds()).containsExactly(DiscoveryEvent.Kind.APPLIED, DiscoveryEvent.Kind.REMOVAL_HELD,
                DiscoveryEvent.Kind.REMOVAL_CONFIRMED);
    }

    @Test
    void aNextListThatRemovesLittleIsAppliedAndTheHeldOneForgotten() {
        source.push(list("a", "b", "c", "d"));
        scheduler.runDue();
        source.push(list("a"));
        scheduler.advance(Duration.ofSeconds(1));

        source.push(list("a", "b", "c", "d", "e"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(poolIds()).containsExactly("a", "b", "c", "d", "e");
        assertThat(binder.held()).isEmpty();
        assertThat(kinds()).containsExactly(DiscoveryEvent.Kind.APPLIED, DiscoveryEvent.Kind.REMOVAL_HELD,
                DiscoveryEvent.Kind.APPLIED);
    }

    @Test
    void removingExactlyTheShareIsNotHeld() {
        source.push(list("a", "b", "c", "d"));
        scheduler.runDue();

        source.push(list("a", "b"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(poolIds()).containsExactly("a", "b");
    }

    @Test
    void anOperatorCanConfirmAHeldRemoval() {
        source.push(list("a", "b", "c"));
        scheduler.runDue();
        source.push(list("c"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(binder.confirmHeld()).isTrue();

        assertThat(poolIds()).containsExactly("c");
        assertThat(binder.confirmHeld()).isFalse();
    }

    @Test
    void theShareIsConfigurable() {
        binder.close();
        binder = PoolBinder.builder(pool, source).scheduler(scheduler).ticker(ticker)
                .config(BinderConfig.custom().maxRemovalShare(0.2).minUpdateInterval(Duration.ZERO).settleDelay(Duration.ZERO)
                        .build()).bind();
        scheduler.runDue();
        source.push(list("a", "b", "c", "d", "e"));
        scheduler.runDue();

        source.push(list("a", "b", "c", "d"));
        scheduler.runDue();
        source.push(list("a", "b", "c"));
        scheduler.runDue();

        assertThat(poolIds()).containsExactly("a", "b", "c", "d");
        assertThat(binder.held()).isPresent();
    }

    @Test
    void aListHeldBeforeBindingIsAppliedOnBinding() {
        TestSource early = new TestSource();
        early.push(list("x", "y"));
        try (LoadBalancingPool other = LoadBalancingPool.builder("other").strategy(Strategies.byName("round-robin"))
                .ticker(ticker).build();
             PoolBinder b = PoolBinder.builder(other, early).scheduler(scheduler).ticker(ticker).bind()) {
            scheduler.runDue();
            assertThat(b.updatesApplied()).isEqualTo(1);
            assertThat(other.servers()).extracting(Server::id).containsExactly("x", "y");
        }
    }

    @Test
    void aThrowingListenerChangesNothing() {
        binder.close();
        binder = PoolBinder.builder(pool, source).scheduler(scheduler).ticker(ticker)
                .listener(e -> {
                    throw new IllegalStateException("listener bug");
                }).bind();
        source.push(list("a"));
        scheduler.runDue();
        source.push(list("a", "b"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(poolIds()).containsExactly("a", "b");
    }

    @Test
    void aPoolThatRejectsAListIsReportedAndTheBinderGoesOn() {
        io.lb4j.api.Pool rejecting = org.mockito.Mockito.mock(io.lb4j.api.Pool.class);
        org.mockito.Mockito.when(rejecting.name()).thenReturn("rejecting");
        org.mockito.Mockito.when(rejecting.servers()).thenReturn(List.of());
        org.mockito.Mockito.doThrow(new IllegalStateException("pool 'rejecting' is closed"))
                .doNothing().when(rejecting).update(org.mockito.ArgumentMatchers.anyCollection());
        TestSource other = new TestSource();
        try (PoolBinder b = PoolBinder.builder(rejecting, other).scheduler(scheduler).ticker(ticker).listener(events::add).bind()) {
            other.push(list("a"));
            scheduler.runDue();
            other.push(list("a", "b"));
            scheduler.advance(Duration.ofSeconds(1));

            assertThat(kinds()).containsExactly(DiscoveryEvent.Kind.APPLY_FAILED, DiscoveryEvent.Kind.APPLIED);
            assertThat(events.get(0).reason()).contains("is closed");
            assertThat(b.updatesApplied()).isEqualTo(1);
        }
    }

    @Test
    void afterCloseNothingIsApplied() {
        source.push(list("a"));
        scheduler.runDue();
        binder.close();

        source.push(list("a", "b"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(poolIds()).containsExactly("a");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> BinderConfig.custom().maxRemovalShare(0)).hasMessage("maxRemovalShare must be in (0, 1], was 0.0");
        assertThatThrownBy(() -> BinderConfig.custom().maxRemovalShare(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> BinderConfig.custom().maxRemovalShare(1.01)).hasMessageContaining("maxRemovalShare");
        assertThatThrownBy(() -> BinderConfig.custom().minUpdateInterval(Duration.ofMillis(-1)))
                .hasMessageContaining("minUpdateInterval must be in [0, PT1H]");
        assertThatThrownBy(() -> BinderConfig.custom().settleDelay(Duration.ofMinutes(2)))
                .hasMessage("settleDelay must be in [0, PT1M], was PT2M");
        assertThatThrownBy(() -> PoolBinder.builder(null, source)).hasMessage("pool must not be null");
        assertThatThrownBy(() -> PoolBinder.builder(pool, null)).hasMessage("source must not be null");
        assertThatThrownBy(() -> source.subscribe(null)).hasMessage("subscriber must not be null");
    }
}
