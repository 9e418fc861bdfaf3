package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthListener;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listeners: every event to every listener in order; a listener that throws stops neither the others nor the pool. */
class ListenersTest {
    private final Listeners listeners = new Listeners("orders");
    private final List<String> calls = new ArrayList<>();
    private final HealthEvent down = event("a", HealthState.UP, HealthState.DOWN);
    private final HealthEvent up = event("b", HealthState.EJECTED, HealthState.UP);

    private static HealthEvent event(String id, HealthState before, HealthState after) {
        return new HealthEvent("orders", server(id), HealthEvent.Kind.STATE_CHANGED, before, after, "test", 0);
    }

    private HealthListener recording(String name) {
        return e -> calls.add(name + ":" + e.server().id());
    }

    @Test
    void eachEventGoesToEveryListenerInRegistrationOrderBeforeTheNextEvent() {
        listeners.add(recording("A"));
        listeners.add(recording("B"));
        listeners.fire(List.of(down, up));
        assertThat(calls).containsExactly("A:a", "B:a", "A:b", "B:b");
    }

    @Test
    void noEventsCallNoListener() {
        listeners.add(recording("A"));
        listeners.fire(List.of());
        assertThat(calls).isEmpty();
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        HealthListener a = recording("A");
        listeners.add(a);
        listeners.add(recording("B"));
        listeners.fire(List.of(down));
        listeners.remove(a);
        listeners.fire(List.of(up));
        assertThat(calls).containsExactly("A:a", "B:a", "B:b");
    }

    @Test
    void removingAListenerThatWasNeverAddedChangesNothing() {
        listeners.add(recording("A"));
        listeners.remove(recording("X"));
        listeners.fire(List.of(down));
        assertThat(calls).containsExactly("A:a");
    }

    @Test
    void aListenerThatThrowsIsSkippedAndTheOthersStillHearEveryEvent() {
        listeners.add(recording("A"));
        listeners.add(e -> {
            calls.add("boom:" + e.server().id());
            throw new IllegalStateException("listener bug");
        });
        listeners.add(recording("C"));
        listeners.fire(List.of(down, up)); // returns normally
        assertThat(calls).containsExactly("A:a", "boom:a", "C:a", "A:b", "boom:b", "C:b");
    }

    @Test
    void anErrorAndAStackOverflowFromAListenerAreContainedToo() {
        listeners.add(e -> {
            throw new AssertionError("listener assertion");
        });
        listeners.add(e -> {
            throw new StackOverflowError();
        });
        listeners.add(recording("C"));
        listeners.fire(List.of(down));
        assertThat(calls).containsExactly("C:a");
    }

    @Test
    void aFatalErrorFromAListenerIsNotContained() {
        OutOfMemoryError oom = new OutOfMemoryError("test");
        listeners.add(e -> {
            throw oom;
        });
        listeners.add(recording("B"));
        assertThatThrownBy(() -> listeners.fire(List.of(down))).isSameAs(oom);
        assertThat(calls).isEmpty();
    }

    @Test
    void aListenerRemovingItselfDuringAnEventDoesNotDisturbTheDelivery() {
        HealthListener[] self = new HealthListener[1];
        self[0] = e -> {
            calls.add("once:" + e.server().id());
            listeners.remove(self[0]);
        };
        listeners.add(self[0]);
        listeners.add(recording("B"));
        listeners.fire(List.of(down, up));
        assertThat(calls).containsExactly("once:a", "B:a", "B:b");
    }

    @Test
    void aListenerAddedDuringAnEventHearsTheFollowingEvents() {
        listeners.add(e -> {
            if (e == down) {
                listeners.add(recording("late"));
            }
        });
        listeners.fire(List.of(down, up));
        assertThat(calls).containsExactly("late:b");
    }

    @Test
    void aPoolWhoseListenerThrowsKeepsChangingAndPicking() {
        LoadBalancingPool pool = PoolFixture.pool(new ManualTicker(), PoolConfig.ofDefaults(), server("a"), server("b"))
                .build();
        List<HealthEvent> heard = new ArrayList<>();
        pool.addListener(e -> {
            throw new IllegalStateException("listener bug");
        });
        pool.addListener(heard::add);
        pool.markDown("a");
        assertThat(heard).extracting(HealthEvent::kind, e -> e.server().id(), HealthEvent::previous, HealthEvent::current,
                HealthEvent::reason).containsExactly(org.assertj.core.groups.Tuple.tuple(HealthEvent.Kind.STATE_CHANGED, "a",
                HealthState.UP, HealthState.DOWN, "marked down"));
        assertThat(pool.state("a")).isEqualTo(HealthState.DOWN);
        Lease lease = pool.acquire();
        assertThat(lease.server().id()).isEqualTo("b");
        lease.success(1_000);
        pool.close();
    }
}
