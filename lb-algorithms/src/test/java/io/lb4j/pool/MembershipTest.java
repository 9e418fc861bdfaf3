package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Membership: each change applied to a real pool's members, checked through the {@link Membership.Change} it
 * returns, the members themselves and the pool's public views (the pool would then publish the change).
 */
class MembershipTest {
    private final ManualTicker ticker = new ManualTicker();
    private LoadBalancingPool pool = pool(PoolConfig.ofDefaults());

    private LoadBalancingPool pool(PoolConfig config) {
        return PoolFixture.pool(ticker, config, server("a"), server("b")).build();
    }

    @AfterEach
    void close() {
        pool.close();
    }

    /** A member of the pool, found through its public eligible list. */
    private Member member(String id) {
        for (Endpoint e : pool.eligible()) {
            if (e.server().id().equals(id)) {
                return (Member) e;
            }
        }
        throw new AssertionError(id + " is not eligible");
    }

    private List<String> serverIds() {
        List<String> ids = new ArrayList<>();
        for (Server s : pool.servers()) {
            ids.add(s.id());
        }
        return ids;
    }

    private static List<Tuple> events(Membership.Change c) {
        List<Tuple> list = new ArrayList<>();
        for (HealthEvent e : c.events()) {
            assertThat(e.pool()).isEqualTo("test");
            list.add(tuple(e.kind(), e.server().id(), e.previous(), e.current(), e.reason(), e.nanoTime()));
        }
        return list;
    }

    private static Set<Server> list(Server... servers) {
        return new LinkedHashSet<>(Arrays.asList(servers));
    }

    // ------------------------------------------------------------------ add, drop

    @Test
    void anAddedServerJoinsUpWithOneAddedEvent() {
        ticker.advance(Duration.ofSeconds(1));
        Membership.Change c = Membership.add(pool, server("c"), false);
        assertThat(c.member()).isNull();
        assertThat(c.reason()).isEmpty();
        assertThat(events(c)).containsExactly(tuple(HealthEvent.Kind.ADDED, "c", HealthState.UP, HealthState.UP, "added",
                ticker.read()));
        assertThat(serverIds()).containsExactly("a", "b", "c");
        assertThat(pool.state("c")).isEqualTo(HealthState.UP);
    }

    @Test
    void aServerAddedDownJoinsDown() {
        Membership.Change c = Membership.add(pool, server("c"), true);
        assertThat(events(c)).containsExactly(tuple(HealthEvent.Kind.ADDED, "c", HealthState.DOWN, HealthState.DOWN,
                "added", ticker.read()));
        assertThat(pool.state("c")).isEqualTo(HealthState.DOWN);
    }

    @Test
    void addingATakenIdIsRefusedNamingThePoolAndTheId() {
        assertThatThrownBy(() -> Membership.add(pool, server("a", 7), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool 'test' already has a server with id 'a'");
        assertThat(pool.server("a").orElseThrow().weight()).isEqualTo(1);
    }

    @Test
    void anAddedServerStartsItsSlowStart() {
        pool.close();
        pool = pool(PoolConfig.custom().slowStart(Duration.ofSeconds(10)).build());
        Membership.add(pool, server("c", 10), false);
        pool.markDown("b"); // any public change republishes, with c in it
        assertThat(pool.stats("c").weight()).isEqualTo(1.0); // 10% of 10 at the start of its ramp
    }

    @Test
    void aDroppedMemberLeavesAtOnceWithOneRemovedEvent() {
        Member a = member("a");
        Membership.Change c = Membership.drop(pool, a);
        assertThat(a.removed).isTrue();
        assertThat(serverIds()).containsExactly("b");
        assertThat(c.member()).isNull();
        assertThat(events(c)).containsExactly(tuple(HealthEvent.Kind.REMOVED, "a", HealthState.UP, HealthState.UP,
                "removed", ticker.read()));
    }

    // ------------------------------------------------------------------ weight, down, drain, up

    @Test
    void settingTheSameWeightChangesNothing() {
        Member a = member("a");
        Server before = a.server;
        assertThat(Membership.setWeight(pool, a, 1)).isNull();
        assertThat(a.server).isSameAs(before);
    }

    @Test
    void aNewWeightReplacesTheServerWithOneWeightChangedEvent() {
        Member a = member("a");
        Membership.Change c = Membership.setWeight(pool, a, 3);
        assertThat(c.member()).isSameAs(a);
        assertThat(c.reason()).isEqualTo("weight 1 -> 3");
        assertThat(events(c)).containsExactly(tuple(HealthEvent.Kind.WEIGHT_CHANGED, "a", HealthState.UP, HealthState.UP,
                "weight 1 -> 3", ticker.read()));
        assertThat(a.server.weight()).isEqualTo(3);
        assertThat(pool.server("a").orElseThrow().weight()).isEqualTo(3);
    }

    @Test
    void weightZeroSaysQuiesced() {
        Membership.Change c = Membership.setWeight(pool, member("a"), 0);
        assertThat(c.reason()).isEqualTo("weight 1 -> 0 (quiesced)");
        assertThat(c.events()).extracting(HealthEvent::reason).containsExactly("weight 1 -> 0 (quiesced)");
    }

    @Test
    void markingDownOnceChangesTheMemberAndTwiceNothing() {
        Member a = member("a");
        Membership.Change c = Membership.markDown(a);
        assertThat(c.member()).isSameAs(a);
        assertThat(c.reason()).isEqualTo("marked down");
        assertThat(c.events()).isEmpty();
        assertThat(a.adminDown).isTrue();
        assertThat(Membership.markDown(a)).isNull();
    }

    @Test
    void drainingOnceStartsAPendingDrainAndTwiceKeepsIt() {
        Member a = member("a");
        Membership.Change c = Membership.drain(a);
        assertThat(c.member()).isSameAs(a);
        assertThat(c.reason()).isEqualTo("draining");
        assertThat(a.draining).isTrue();
        CompletableFuture<Void> f = a.drained;
        assertThat(f).isNotDone();
        assertThat(Membership.drain(a)).isNull();
        assertThat(a.drained).isSameAs(f);
    }

    @Test
    void theDrainOfAnIdleMemberIsDoneAtOnce() {
        Member a = member("a");
        Membership.drain(a);
        CompletableFuture<Void> f = Membership.drained(a);
        assertThat(f).isSameAs(a.drained).isDone();
    }

    @Test
    void theDrainOfABusyMemberWaitsForItsRequests() {
        Member a = member("a");
        a.incrementInFlight();
        Membership.drain(a);
        assertThat(Membership.drained(a)).isNotDone();
    }

    @Test
    void aMemberNotDrainingHasNothingToWaitFor() {
        assertThat(Membership.drained(member("a"))).isDone();
    }

    @Test
    void markingUpAnUpMemberChangesNothing() {
        assertThat(Membership.markUp(pool, member("a"))).isNull();
    }

    @Test
    void markingUpEndsAnOperatorsDownAndStartsTheRamp() {
        pool.close();
        pool = pool(PoolConfig.custom().slowStart(Duration.ofSeconds(10)).build());
        Member a = member("a");
        Membership.markDown(a);
        ticker.advance(Duration.ofSeconds(2));
        Membership.Change c = Membership.markUp(pool, a);
        assertThat(c.member()).isSameAs(a);
        assertThat(c.reason()).isEqualTo("marked up");
        assertThat(a.adminDown).isFalse();
        assertThat(a.ramping).isTrue();
        assertThat(a.rampStart).isEqualTo(ticker.read());
    }

    @Test
    void markingUpADrainingMemberCancelsItsDrain() {
        Member a = member("a");
        a.incrementInFlight();
        Membership.drain(a);
        CompletableFuture<Void> f = Membership.drained(a);
        assertThat(Membership.markUp(pool, a)).isNotNull();
        assertThat(a.draining).isFalse();
        assertThat(a.drained).isNull();
        assertThat(f).isCancelled();
    }

    @Test
    void aMemberLeavingByUpdateCannotBeMarkedUp() {
        Member a = member("a");
        a.incrementInFlight();
        Membership.update(pool, Membership.index(list(server("b"))));
        assertThatThrownBy(() -> Membership.markUp(pool, a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool 'test': server 'a' is leaving (removed by update) and cannot be marked up; "
                        + "list it again instead");
    }

    // ------------------------------------------------------------------ index

    @Test
    void aNullListIsRefused() {
        assertThatThrownBy(() -> Membership.index(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("servers must not be null (an empty list empties the pool)");
    }

    @Test
    void aNullElementIsRefusedByItsIndex() {
        assertThatThrownBy(() -> Membership.index(Arrays.asList(server("a"), null))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("servers[1] must not be null");
    }

    @Test
    void twoServersWithOneIdAreRefused() {
        assertThatThrownBy(() -> Membership.index(List.of(server("a"), server("b"), server("a", 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("servers must have distinct ids; 'a' appears twice");
    }

    @Test
    void theIndexKeepsTheListsOrder() {
        assertThat(Membership.index(List.of(server("c"), server("a"), server("b"))).keySet()).containsExactly("c", "a", "b");
    }

    // ------------------------------------------------------------------ update

    @Test
    void anUpdateWithTheSameSettingsChangesNothing() {
        Member a = member("a");
        assertThat(Membership.update(pool, Membership.index(list(server("a"), server("b"))))).isNull();
        assertThat(a.leaving).isFalse();
        assertThat(serverIds()).containsExactly("a", "b");
    }

    @Test
    void aNewServerInAnUpdateJoinsWithAnAddedEvent() {
        Membership.Change c = Membership.update(pool, Membership.index(list(server("a"), server("b"), server("c"))));
        assertThat(c.member()).isNull();
        assertThat(events(c)).containsExactly(tuple(HealthEvent.Kind.ADDED, "c", HealthState.UP, HealthState.UP,
                "added by update", ticker.read()));
        assertThat(serverIds()).containsExactly("a", "b", "c");
    }

    @Test
    void anIdleMemberMissingFromAnUpdateIsRemovedAtOnce() {
        Member a = member("a");
        Membership.Change c = Membership.update(pool, Membership.index(list(server("b"))));
        assertThat(events(c)).containsExactly(tuple(HealthEvent.Kind.REMOVED, "a", HealthState.UP, HealthState.UP,
                "removed by update", ticker.read()));
        assertThat(a.removed).isTrue();
        assertThat(serverIds()).containsExactly("b");
    }

    @Test
    void aBusyMemberMissingFromAnUpdateDrainsFirst() {
        Member a = member("a");
        a.incrementInFlight();
        Membership.Change c = Membership.update(pool, Membership.index(list(server("b"))));
        assertThat(c).isNotNull();
        assertThat(c.events()).isEmpty();
        assertThat(c.reason()).isEqualTo("left the pool (update), draining");
        assertThat(a.leaving).isTrue();
        assertThat(a.draining).isTrue();
        assertThat(a.drainedByUpdate).isTrue();
        assertThat(a.drained).isNotDone();
        assertThat(a.removed).isFalse();
        assertThat(serverIds()).containsExactly("a", "b");
    }

    @Test
    void aMemberAlreadyLeavingIsNotCountedAgain() {
        Member a = member("a");
        a.incrementInFlight();
        Membership.update(pool, Membership.index(list(server("b"))));
        CompletableFuture<Void> f = a.drained;
        assertThat(Membership.update(pool, Membership.index(list(server("b"))))).isNull();
        assertThat(a.drained).isSameAs(f);
    }

    @Test
    void aLeavingMemberListedAgainComesBackWithItsDrainCancelledAndRamps() {
        pool.close();
        pool = pool(PoolConfig.custom().slowStart(Duration.ofSeconds(10)).build());
        Member a = member("a");
        a.incrementInFlight();
        Membership.update(pool, Membership.index(list(server("b"))));
        CompletableFuture<Void> f = a.drained;
        ticker.advance(Duration.ofSeconds(1));
        Membership.Change c = Membership.update(pool, Membership.index(list(server("a"), server("b"))));
        assertThat(c).isNotNull();
        assertThat(c.events()).isEmpty();
        assertThat(a.leaving).isFalse();
        assertThat(a.draining).isFalse();
        assertThat(a.drainedByUpdate).isFalse();
        assertThat(a.drained).isNull();
        assertThat(f).isCancelled();
        assertThat(a.ramping).isTrue();
        assertThat(a.rampStart).isEqualTo(ticker.read());
    }

    @Test
    void anOperatorsDrainOutlivesLeavingAndComingBack() {
        Member a = member("a");
        a.incrementInFlight();
        Membership.drain(a);
        CompletableFuture<Void> operators = a.drained;
        Membership.update(pool, Membership.index(list(server("b"))));
        assertThat(a.leaving).isTrue();
        assertThat(a.drainedByUpdate).isFalse();
        assertThat(a.drained).isSameAs(operators);
        Membership.update(pool, Membership.index(list(server("a"), server("b"))));
        assertThat(a.leaving).isFalse();
        assertThat(a.draining).isTrue();
        assertThat(a.drained).isSameAs(operators).isNotDone();
    }

    @Test
    void aNewWeightInAnUpdateIsTakenWithAWeightChangedEvent() {
        Member a = member("a");
        Membership.Change c = Membership.update(pool, Membership.index(list(server("a", 5), server("b"))));
        assertThat(events(c)).containsExactly(tuple(HealthEvent.Kind.WEIGHT_CHANGED, "a", HealthState.UP, HealthState.UP,
                "weight 1 -> 5", ticker.read()));
        assertThat(a.server.weight()).isEqualTo(5);
    }

    @Test
    void aWeightOfZeroInAnUpdateSaysQuiesced() {
        Membership.Change c = Membership.update(pool, Membership.index(list(server("a", 0), server("b"))));
        assertThat(c.events()).extracting(HealthEvent::reason).containsExactly("weight 1 -> 0 (quiesced)");
    }

    @Test
    void anotherSettingInAnUpdateIsTakenWithoutAnEvent() {
        Member a = member("a");
        Server zoned = Server.builder(a.server.host(), a.server.port()).id("a").zone("east").build();
        Membership.Change c = Membership.update(pool, Membership.index(list(zoned, server("b"))));
        assertThat(c).isNotNull();
        assertThat(c.events()).isEmpty();
        assertThat(a.server).isSameAs(zoned);
    }

    // ------------------------------------------------------------------ messages

    @Test
    void upToTwentyIdsAreListedWhole() {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add("s" + i);
        }
        assertThat(Membership.someIds(ids)).isEqualTo(ids.toString());
    }

    @Test
    void moreThanTwentyIdsAreCutAfterTheTwentieth() {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 25; i++) {
            ids.add("s" + i);
        }
        assertThat(Membership.someIds(ids)).isEqualTo("[s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, "
                + "s15, s16, s17, s18, s19] and 5 more");
    }

    @Test
    void aChangeWithoutReasonOrEventsHasEmptyOnes() {
        Membership.Change c = new Membership.Change(null, null, null);
        assertThat(c.reason()).isEmpty();
        assertThat(c.events()).isEmpty();
    }
}
