package io.lb4j.pool;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** Snapshot: one published state, its index by id, and when its next time-driven transition is due. */
class SnapshotTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Member a = new Member(server("a"), ticker, Duration.ofSeconds(10).toNanos(), 1);
    private final Member b = new Member(server("b"), ticker, Duration.ofSeconds(10).toNanos(), 1);
    private final Picker picker = ctx -> a;

    @Test
    void itKeepsWhatItWasGiven() {
        Member[] eligible = {a, b};
        Snapshot s = new Snapshot(picker, eligible, null, null, true, 42, true);
        assertThat(s.picker).isSameAs(picker);
        assertThat(s.eligible).isSameAs(eligible);
        assertThat(s.reason).isNull();
        assertThat(s.detail).isNull();
        assertThat(s.hasDeadline).isTrue();
        assertThat(s.deadline).isEqualTo(42);
        assertThat(s.panic).isTrue();
    }

    @Test
    void itIndexesTheEligibleMembersById() {
        Snapshot s = new Snapshot(picker, new Member[]{a, b}, null, null, false, 0, false);
        assertThat(s.byId).containsOnlyKeys("a", "b");
        assertThat(s.byId.get("a")).isSameAs(a);
        assertThat(s.byId.get("b")).isSameAs(b);
    }

    @Test
    void anEmptySnapshotIndexesNothing() {
        Snapshot s = new Snapshot(null, new Member[0], NoAvailableServerException.Reason.NONE_AVAILABLE,
                "all 2 servers are down", false, 0, false);
        assertThat(s.byId).isEmpty();
        assertThat(s.picker).isNull();
        assertThat(s.reason).isEqualTo(NoAvailableServerException.Reason.NONE_AVAILABLE);
        assertThat(s.detail).isEqualTo("all 2 servers are down");
    }

    @Test
    void noneHasNoPickerNoMembersNoDeadlineAndNoPanic() {
        Snapshot s = Snapshot.none(NoAvailableServerException.Reason.CLOSED, "the pool is closed");
        assertThat(s.picker).isNull();
        assertThat(s.eligible).isEmpty();
        assertThat(s.byId).isEmpty();
        assertThat(s.reason).isEqualTo(NoAvailableServerException.Reason.CLOSED);
        assertThat(s.detail).isEqualTo("the pool is closed");
        assertThat(s.hasDeadline).isFalse();
        assertThat(s.panic).isFalse();
        assertThat(s.due(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void itIsDueFromItsDeadlineOn() {
        Snapshot s = new Snapshot(picker, new Member[]{a}, null, null, true, 1_000, false);
        assertThat(s.due(999)).isFalse();
        assertThat(s.due(1_000)).isTrue();
        assertThat(s.due(1_001)).isTrue();
    }

    @Test
    void withoutADeadlineItIsNeverDue() {
        Snapshot s = new Snapshot(picker, new Member[]{a}, null, null, false, 1_000, false);
        assertThat(s.due(1_000)).isFalse();
        assertThat(s.due(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void dueComparesLikeNanoTimeAcrossTheWrapAround() {
        long deadline = Long.MAX_VALUE - 5;
        Snapshot s = new Snapshot(picker, new Member[]{a}, null, null, true, deadline, false);
        assertThat(s.due(deadline - 1)).isFalse();
        assertThat(s.due(Long.MIN_VALUE + 5)).isTrue(); // 11 ns after the deadline, past the wrap
    }
}
