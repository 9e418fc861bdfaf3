package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Picker;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Publisher: the next snapshot from the members' health, with its events, weights, deadline and picker. */
class PublisherTest {
    private static final long SECOND = 1_000_000_000L;

    private final ManualTicker ticker = new ManualTicker();
    private final ReentrantLock lock = new ReentrantLock();
    private final RecordingStrategy strategy = new RecordingStrategy();
    private final List<HealthEvent> events = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    private PoolConfig config = PoolConfig.ofDefaults();
    private Publisher publisher;

    private Publisher publisher(PoolConfig cfg) {
        config = cfg;
        publisher = new Publisher("orders", strategy, cfg);
        return publisher;
    }

    /** A member built as the pool builds one, with the configured passive health. */
    private Member member(Server s) {
        Member m = new Member(s, ticker, config.latencyDecay().toNanos(), 1);
        m.passive = config.passiveHealth().newTracker(m, new PoolContext.Of("orders", ticker, lock), reason -> { });
        members.add(m);
        return m;
    }

    private Snapshot rebuild() {
        return publisher.rebuild(members, ticker.read(), events, null, "");
    }

    private static List<String> ids(Member[] ms) {
        List<String> ids = new ArrayList<>();
        for (Member m : ms) {
            ids.add(m.id());
        }
        return ids;
    }

    private static Tuple change(String id, HealthState before, HealthState after, String reason) {
        return tuple(HealthEvent.Kind.STATE_CHANGED, id, before, after, reason);
    }

    private List<Tuple> changes() {
        List<Tuple> list = new ArrayList<>();
        for (HealthEvent e : events) {
            list.add(tuple(e.kind(), e.server().id(), e.previous(), e.current(), e.reason()));
        }
        return list;
    }

    private void fail(Member m, Throwable cause) {
        m.passive.onFailure(cause, 1_000_000L, ticker.read());
    }

    @Test
    void healthyMembersAreAllEligibleInPoolOrderWithTheirWeights() {
        publisher(PoolConfig.ofDefaults());
        Member a = member(server("a", 3));
        Member b = member(server("b", 5));
        Snapshot s = rebuild();
        assertThat(ids(s.eligible)).containsExactly("a", "b");
        assertThat(strategy.lists).containsExactly(List.of("a", "b"));
        assertThat(s.picker).isNotNull();
        assertThat(events).isEmpty();
        assertThat(s.hasDeadline).isFalse();
        assertThat(s.panic).isFalse();
        assertThat(s.reason).isNull();
        assertThat(a.weight()).isEqualTo(3.0);
        assertThat(b.weight()).isEqualTo(5.0);
        assertThat(a.eligible).isTrue();
        assertThat(b.eligible).isTrue();
    }

    @Test
    void anEmptyPoolHasNoPickerAndSaysSo() {
        publisher(PoolConfig.ofDefaults());
        Snapshot s = rebuild();
        assertThat(s.picker).isNull();
        assertThat(s.eligible).isEmpty();
        assertThat(s.reason).isEqualTo(NoAvailableServerException.Reason.EMPTY);
        assertThat(s.detail).isEqualTo("the pool has no servers");
        assertThat(strategy.lists).isEmpty();
    }

    @Test
    void aPoolWithEveryServerDownHasNoPickerAndOneEventPerTransition() {
        publisher(PoolConfig.ofDefaults());
        Member a = member(server("a"));
        Member b = member(server("b"));
        a.adminDown = true;
        b.adminDown = true;
        Snapshot s = rebuild();
        assertThat(s.picker).isNull();
        assertThat(s.reason).isEqualTo(NoAvailableServerException.Reason.NONE_AVAILABLE);
        assertThat(s.detail).isEqualTo("all 2 servers are down");
        assertThat(changes()).containsExactly(change("a", HealthState.UP, HealthState.DOWN, "down"),
                change("b", HealthState.UP, HealthState.DOWN, "down"));
        assertThat(events).allSatisfy(e -> {
            assertThat(e.pool()).isEqualTo("orders");
            assertThat(e.nanoTime()).isEqualTo(ticker.read());
        });
        assertThat(a.state).isEqualTo(HealthState.DOWN);
        assertThat(a.eligible).isFalse();
        assertThat(strategy.lists).isEmpty();
    }

    @Test
    void theChangedMembersEventCarriesTheGivenReasonAndTheOthersTheirOwn() {
        publisher(PoolConfig.ofDefaults());
        Member a = member(server("a"));
        Member b = member(server("b"));
        member(server("c"));
        a.adminDown = true;
        b.draining = true;
        publisher.rebuild(members, ticker.read(), events, a, "marked down by ops");
        assertThat(changes()).containsExactly(change("a", HealthState.UP, HealthState.DOWN, "marked down by ops"),
                change("b", HealthState.UP, HealthState.DRAINING, "draining"));
    }

    @Test
    void aRebuildWithoutATransitionAddsNoEvent() {
        publisher(PoolConfig.ofDefaults());
        Member a = member(server("a"));
        member(server("b"));
        a.adminDown = true;
        rebuild();
        events.clear();
        Snapshot s = rebuild();
        assertThat(events).isEmpty();
        assertThat(ids(s.eligible)).containsExactly("b");
    }

    @Test
    void aFailingOutlierIsEjectedUntilItsFailTimeout() {
        publisher(PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10))).build());
        Member a = member(server("a"));
        member(server("b"));
        long failedAt = ticker.read();
        fail(a, new IOException("boom"));
        Snapshot s = rebuild();
        assertThat(changes()).containsExactly(change("a", HealthState.UP, HealthState.EJECTED,
                "1 failure within PT10S (max_fails=1), last: java.io.IOException: boom"));
        assertThat(ids(s.eligible)).containsExactly("b");
        assertThat(s.hasDeadline).isTrue();
        assertThat(s.deadline).isEqualTo(failedAt + 10 * SECOND);
    }

    @Test
    void anEjectionEndsAtItsDeadlineAndNotANanosecondBefore() {
        publisher(PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10))).build());
        Member a = member(server("a"));
        member(server("b"));
        fail(a, new IOException("boom"));
        rebuild();
        events.clear();
        ticker.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(ids(rebuild().eligible)).containsExactly("b");
        assertThat(events).isEmpty();
        ticker.advance(Duration.ofNanos(1));
        Snapshot s = rebuild();
        assertThat(changes()).containsExactly(change("a", HealthState.EJECTED, HealthState.UP,
                "fail_timeout elapsed, trying again"));
        assertThat(ids(s.eligible)).containsExactly("a", "b");
        assertThat(a.gated).isTrue(); // on probation: one trial at a time
        assertThat(s.hasDeadline).isFalse();
    }

    @Test
    void theDeadlineIsTheEarliestOfTheEjectionsEnds() {
        publisher(PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10)))
                .maxEjectionPercent(100).build());
        Member a = member(server("a"));
        Member b = member(server("b"));
        member(server("c"));
        long first = ticker.read();
        fail(b, new IOException("first"));
        ticker.advance(Duration.ofSeconds(3));
        fail(a, new IOException("second"));
        Snapshot s = rebuild();
        assertThat(s.deadline).isEqualTo(first + 10 * SECOND);
    }

    @Test
    void aConnectFailureEjectsWhateverTheCap() {
        publisher(PoolConfig.custom().maxEjectionPercent(0).build());
        Member a = member(server("a"));
        member(server("b"));
        fail(a, new ConnectException("Connection refused"));
        Snapshot s = rebuild();
        assertThat(a.state).isEqualTo(HealthState.EJECTED);
        assertThat(ids(s.eligible)).containsExactly("b");
    }

    @Test
    void anOutlierOverTheCapIsHeldBackInRotation() {
        publisher(PoolConfig.custom().maxEjectionPercent(50).build());
        Member a = member(server("a"));
        Member b = member(server("b"));
        fail(a, new IOException("first"));
        ticker.advance(Duration.ofMillis(1));
        fail(b, new IOException("second"));
        Snapshot s = rebuild();
        assertThat(a.state).isEqualTo(HealthState.EJECTED); // the oldest ejection
        assertThat(b.state).isEqualTo(HealthState.UP);
        assertThat(a.heldBack).isFalse();
        assertThat(b.heldBack).isTrue();
        assertThat(ids(s.eligible)).containsExactly("b");
    }

    @Test
    void anActiveCheckFailureIsTheReasonOfItsEjection() {
        publisher(PoolConfig.ofDefaults());
        Member a = member(server("a"));
        member(server("b"));
        a.probe.apply(HealthCheckResult.fail("HTTP 503"), 1, 1, ticker.read());
        rebuild();
        assertThat(changes()).containsExactly(change("a", HealthState.UP, HealthState.EJECTED,
                "active health check failed: HTTP 503"));
    }

    @Test
    void aRestoredServerRampsUpOverTheSlowStartWindowInTwentySteps() {
        publisher(PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10)))
                .slowStart(Duration.ofSeconds(10)).build());
        Member a = member(server("a", 10));
        member(server("b", 10));
        fail(a, new IOException("boom"));
        rebuild();
        ticker.advance(Duration.ofSeconds(10));
        long restoredAt = ticker.read();
        Snapshot s = rebuild();
        assertThat(a.state).isEqualTo(HealthState.UP);
        assertThat(a.ramping).isTrue();
        assertThat(a.rampStart).isEqualTo(restoredAt);
        assertThat(a.weight()).isEqualTo(1.0); // 10% of 10 at the start
        assertThat(s.deadline).isEqualTo(restoredAt + SECOND / 2); // window / 20
        ticker.advance(Duration.ofSeconds(5));
        s = rebuild();
        assertThat(a.weight()).isEqualTo(5.0); // linear (aggression 1): half way, half the weight
        assertThat(s.deadline).isEqualTo(ticker.read() + SECOND / 2);
        ticker.advance(Duration.ofMillis(4_800));
        s = rebuild();
        assertThat(s.deadline).isEqualTo(restoredAt + 10 * SECOND); // the last step is the window's end
        ticker.advance(Duration.ofMillis(200));
        s = rebuild();
        assertThat(a.weight()).isEqualTo(10.0);
        assertThat(a.ramping).isFalse();
        assertThat(s.hasDeadline).isFalse();
    }

    @Test
    void aRestoredServerStartsWithoutTheFailurePenalty() {
        publisher(PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10))).build());
        Member a = member(server("a"));
        member(server("b"));
        fail(a, new IOException("boom"));
        a.failed();
        a.failed();
        rebuild();
        assertThat(a.consecutiveFailures()).isEqualTo(2);
        ticker.advance(Duration.ofSeconds(10));
        rebuild();
        assertThat(a.consecutiveFailures()).isZero();
    }

    @Test
    void slowStartStepsAreAtLeastAMillisecondApart() {
        publisher(PoolConfig.custom().slowStart(Duration.ofMillis(10)).build());
        Member a = member(server("a"));
        publisher.startRamp(a, ticker.read());
        Snapshot s = rebuild();
        assertThat(s.deadline).isEqualTo(ticker.read() + 1_000_000L); // not 10 ms / 20 = 0.5 ms
    }

    @Test
    void leavingUpEndsTheRamp() {
        publisher(PoolConfig.custom().slowStart(Duration.ofSeconds(10)).build());
        Member a = member(server("a", 10));
        member(server("b"));
        publisher.startRamp(a, ticker.read());
        rebuild();
        assertThat(a.ramping).isTrue();
        a.adminDown = true;
        Snapshot s = rebuild();
        assertThat(a.ramping).isFalse();
        assertThat(s.hasDeadline).isFalse();
        a.adminDown = false; // an operator's markUp would start a new ramp; this rebuild alone does not
        rebuild();
        assertThat(a.weight()).isEqualTo(10.0);
    }

    @Test
    void noRampWithoutASlowStartWindow() {
        publisher(PoolConfig.ofDefaults());
        Member a = member(server("a"));
        publisher.startRamp(a, ticker.read());
        assertThat(a.ramping).isFalse();
        assertThat(publisher.slowStartNanos(a)).isZero();
    }

    @Test
    void aServersOwnSlowStartOverridesThePools() {
        publisher(PoolConfig.custom().slowStart(Duration.ofSeconds(30)).build());
        Member own = member(Server.builder("127.0.0.1", 80).id("own").slowStart(Duration.ofSeconds(4)).build());
        Member off = member(Server.builder("127.0.0.1", 81).id("off").slowStart(Duration.ZERO).build());
        Member pools = member(server("pools"));
        assertThat(publisher.slowStartNanos(own)).isEqualTo(4 * SECOND);
        assertThat(publisher.slowStartNanos(off)).isZero();
        assertThat(publisher.slowStartNanos(pools)).isEqualTo(30 * SECOND);
        publisher.startRamp(off, ticker.read());
        assertThat(off.ramping).isFalse();
    }

    @Test
    void aQuiescedServerStaysUpButIsNotEligible() {
        publisher(PoolConfig.ofDefaults());
        Member a = member(server("a", 0));
        member(server("b"));
        Snapshot s = rebuild();
        assertThat(a.state).isEqualTo(HealthState.UP);
        assertThat(a.weight()).isZero();
        assertThat(a.eligible).isFalse();
        assertThat(ids(s.eligible)).containsExactly("b");
        assertThat(events).isEmpty();
    }

    @Test
    void panicModeBalancesOverFailingPrimariesAndEndsWhenTheyRecover() {
        publisher(PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).panicThresholdPercent(50).build());
        Member a = member(server("a"));
        Member b = member(server("b"));
        member(server("c"));
        a.probe.apply(HealthCheckResult.fail("timeout"), 1, 1, ticker.read());
        b.probe.apply(HealthCheckResult.fail("timeout"), 1, 1, ticker.read());
        Snapshot s = rebuild();
        assertThat(s.panic).isTrue();
        assertThat(publisher.panicking()).isTrue();
        assertThat(ids(s.eligible)).containsExactly("a", "b", "c");
        assertThat(a.state).isEqualTo(HealthState.EJECTED); // still reported as ejected
        a.probe.apply(HealthCheckResult.pass(), 1, 1, ticker.read());
        s = rebuild();
        assertThat(s.panic).isFalse();
        assertThat(publisher.panicking()).isFalse();
        assertThat(ids(s.eligible)).containsExactly("a", "c");
    }

    @Test
    void aStrategyReturningNoPickerIsAnErrorNamingIt() {
        publisher = new Publisher("orders", new Strategy() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Picker newPicker(List<Endpoint> endpoints) {
                return null;
            }
        }, config);
        member(server("a"));
        assertThatThrownBy(this::rebuild).isInstanceOf(IllegalStateException.class)
                .hasMessage("strategy broken returned a null picker");
    }

    @Test
    void theStrategySeesAnUnmodifiableCopyOfTheEligibleMembers() {
        List<List<Endpoint>> given = new ArrayList<>();
        publisher = new Publisher("orders", new Strategy() {
            @Override
            public String name() {
                return "keeping";
            }

            @Override
            public Picker newPicker(List<Endpoint> endpoints) {
                given.add(endpoints);
                return ctx -> endpoints.get(0);
            }
        }, config);
        Member a = member(server("a"));
        member(server("b"));
        Snapshot s = rebuild();
        List<Endpoint> list = given.get(0);
        assertThatThrownBy(() -> list.set(0, null)).isInstanceOf(UnsupportedOperationException.class);
        s.eligible[0] = null; // the snapshot's array is not the strategy's list
        assertThat(list).containsExactly(a, members.get(1));
    }

    @Test
    void withZonesTheStrategyBalancesEachZoneOnItsOwn() {
        publisher(PoolConfig.custom().zoneAwareRouting(ZoneAwareRouting.custom("east").minClusterSize(1).build()).build());
        member(Server.builder("127.0.0.1", 80).id("e1").zone("east").build());
        member(Server.builder("127.0.0.1", 81).id("w1").zone("west").build());
        Snapshot s = rebuild();
        assertThat(strategy.lists).containsExactly(List.of("e1")); // east is healthy enough: its picker only
        assertThat(ids(s.eligible)).containsExactly("e1", "w1");
        assertThat(s.picker.pick(io.lb4j.api.PickContext.none()).server().id()).isEqualTo("e1");
    }

    @Test
    void whenZonesDoNotApplyTheStrategyBalancesEveryEligibleServer() {
        publisher(PoolConfig.custom().zoneAwareRouting(ZoneAwareRouting.of("east")).build()); // 6 needed
        member(Server.builder("127.0.0.1", 80).id("e1").zone("east").build());
        member(Server.builder("127.0.0.1", 81).id("w1").zone("west").build());
        rebuild();
        assertThat(strategy.lists).containsExactly(List.of("e1", "w1"));
    }
}
