package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalityLeastConnectionsReplicatedTest {
    /**
     * A key whose least-connections scan starts at position 0 in lists of 2, 3, 4 and 6 endpoints
     * (its hash is a multiple of 12), so ties resolve to the first endpoint, as in LVS.
     */
    private static final PickContext KEY = PickContext.ofKey("/video/7.mp4");
    private static final Duration EXPIRY = Duration.ofMinutes(10);

    private final ManualTicker ticker = new ManualTicker();
    private final FakeEndpoint s0 = FakeEndpoint.of("s0", 1);
    private final FakeEndpoint s1 = FakeEndpoint.of("s1", 1);
    private final FakeEndpoint s2 = FakeEndpoint.of("s2", 1);
    private final List<Endpoint> all = List.of(s0, s1, s2);
    private final LocalityLeastConnectionsReplicated strategy = new LocalityLeastConnectionsReplicated(
            LocalityConfig.custom().expiry(EXPIRY).build(), ticker);

    private String[] members() {
        return strategy.membersForTest(KEY);
    }

    /** Sets up KEY with the set {s2, s0}: s0 first, then s0 overloaded while s2 is idle. */
    private Picker pickerWithTwoMembers() {
        Picker picker = strategy.newPicker(all);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s0.inFlight(2);                 // 2 > weight 1
        s1.inFlight(1);
        s2.inFlight(0);                 // 0 × 2 < 1: s0 is overloaded; wlc over all picks s2
        assertThat(picker.pick(KEY)).isSameAs(s2);
        assertThat(members()).containsExactly("s2", "s0");
        return picker;
    }

    @Test
    void hasItsCanonicalName() {
        assertThat(new LocalityLeastConnectionsReplicated().name()).isEqualTo("locality-least-connections-replicated");
    }

    @Test
    void aNewKeyGetsASetOfTheWeightedLeastConnectedServer() {
        s0.inFlight(2);
        s1.weight(2).inFlight(3);       // 1.5
        s2.inFlight(1);                 // 1   <- least
        assertThat(strategy.newPicker(all).pick(KEY)).isSameAs(s2);
        assertThat(members()).containsExactly("s2");
    }

    @Test
    void theSetGrowsWhenItsLeastLoadedMemberIsOverloaded() {
        pickerWithTwoMembers();
    }

    @Test
    void picksTheLeastLoadedMemberOfTheSet() {
        Picker picker = pickerWithTwoMembers();
        s2.inFlight(0);
        s0.inFlight(0);
        assertThat(picker.pick(KEY)).as("tie: the newest member comes first").isSameAs(s2);
        s2.inFlight(1);
        s1.inFlight(0);                 // s1 is idle but not a member, and s0 is not overloaded
        assertThat(picker.pick(KEY)).isSameAs(s0);
        assertThat(members()).containsExactly("s2", "s0");
    }

    @Test
    void theSetDoesNotGrowWhileNoServerIsUnderHalfItsWeight() {
        Picker picker = pickerWithTwoMembers();
        s0.inFlight(2);
        s2.inFlight(3);                 // member min is s0 (2 < 3), busy: 2 > 1
        s1.inFlight(1);                 // but nobody has inFlight × 2 < weight
        assertThat(picker.pick(KEY)).isSameAs(s0);
        assertThat(members()).containsExactly("s2", "s0");
    }

    @Test
    void theSetGrowsToAThirdMemberUnderLoad() {
        Picker picker = pickerWithTwoMembers();
        s0.inFlight(3);
        s2.inFlight(2);                 // member min s2, 2 > 1
        s1.inFlight(0);                 // idle: s2 overloaded → wlc over all → s1
        assertThat(picker.pick(KEY)).isSameAs(s1);
        assertThat(members()).containsExactly("s1", "s2", "s0");
    }

    @Test
    void anUnmodifiedSetLosesItsMostLoadedMemberAfterTheExpiry() {
        Picker picker = pickerWithTwoMembers();
        s0.inFlight(1);                 // most loaded member
        s2.inFlight(0);
        ticker.advance(Duration.ofMinutes(9));
        assertThat(picker.pick(KEY)).isSameAs(s2);   // keeps the key alive; set unmodified for 9 min
        assertThat(members()).containsExactly("s2", "s0");
        ticker.advance(Duration.ofMinutes(1));
        picker.pick(KEY);                            // exactly 10 min: not yet
        assertThat(members()).containsExactly("s2", "s0");
        ticker.advance(Duration.ofNanos(1));
        assertThat(picker.pick(KEY)).isSameAs(s2);   // 10 min + 1 ns: shrink
        assertThat(members()).containsExactly("s2");
    }

    @Test
    void shrinkingCountsAsAModificationSoTheNextShrinkWaitsAnotherExpiry() {
        Picker picker = pickerWithTwoMembers();
        // grow to three: the member min (tie s2/s0 → s2) is busy while s1 is idle
        s0.inFlight(2);
        s2.inFlight(2);
        s1.inFlight(0);
        assertThat(picker.pick(KEY)).isSameAs(s1);
        assertThat(members()).containsExactly("s1", "s2", "s0");
        s0.inFlight(0);
        s1.inFlight(0);
        s2.inFlight(5);                 // the most loaded member
        ticker.advance(Duration.ofMinutes(6));
        picker.pick(KEY);
        ticker.advance(Duration.ofMinutes(5));       // 11 min since the last growth
        picker.pick(KEY);
        assertThat(members()).containsExactly("s1", "s0");
        ticker.advance(Duration.ofMinutes(9));
        picker.pick(KEY);
        assertThat(members()).as("9 min after the shrink").containsExactly("s1", "s0");
        ticker.advance(Duration.ofMinutes(2));
        picker.pick(KEY);
        assertThat(members()).as("11 min after the shrink: ties drop the first").containsExactly("s0");
    }

    @Test
    void membersOutsideTheEligibleSetAreSkippedAndDroppedFirst() {
        pickerWithTwoMembers();
        s0.inFlight(0);
        s2.inFlight(0);
        Picker without2 = strategy.newPicker(List.of(s0, s1));
        assertThat(without2.pick(KEY)).isSameAs(s0);
        ticker.advance(Duration.ofMinutes(10)).advance(Duration.ofNanos(1));
        s0.inFlight(0);
        without2.pick(KEY);
        assertThat(members()).as("the ineligible s2 goes first").containsExactly("s0");
    }

    @Test
    void aSetWithNoEligibleMemberGainsTheWeightedLeastServer() {
        Picker picker = strategy.newPicker(all);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s1.inFlight(1);
        assertThat(strategy.newPicker(List.of(s1, s2)).pick(KEY)).isSameAs(s2);
        assertThat(members()).containsExactly("s2", "s0");
    }

    @Test
    void aKeyIdleForLongerThanTheExpiryIsForgotten() {
        Picker picker = pickerWithTwoMembers();
        ticker.advance(EXPIRY).advance(Duration.ofNanos(1));
        s0.inFlight(0);
        s1.inFlight(0);
        s2.inFlight(1);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        assertThat(members()).containsExactly("s0");
    }

    @Test
    void withoutAKeyPicksAreWeightedLeastConnections() {
        s0.inFlight(2);
        s1.inFlight(2);
        s2.inFlight(1);
        assertThat(strategy.newPicker(all).pick(PickContext.none())).isSameAs(s2);
        assertThat(strategy.table().size()).isZero();
    }

    @Test
    void theTableIsBounded() {
        LocalityLeastConnectionsReplicated small = new LocalityLeastConnectionsReplicated(
                LocalityConfig.custom().maxEntries(16).build(), ticker);
        Picker picker = small.newPicker(all);
        for (int k = 0; k < 1_000; k++) {
            picker.pick(PickContext.ofKey("k" + k));
        }
        assertThat(small.table().size()).isLessThanOrEqualTo(16);
    }

    @Test
    void picksOfAKnownKeyWithAnUnchangedSetAllocateNothing() {
        Picker picker = pickerWithTwoMembers();
        s0.inFlight(0);
        s2.inFlight(0);
        long bytes = AllocationMeter.bytesAllocatedBy(() -> picker.pick(KEY), 100_000);
        // exact per-thread counter; 0 bytes per pick with a few hundred bytes of slack for the counter
        assertThat(bytes).isLessThan(1_000);
    }

    @Test
    void rejectsBadInputNamingIt() {
        assertThatThrownBy(() -> strategy.newPicker(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("locality-least-connections-replicated: endpoints must not be null");
        assertThatThrownBy(() -> strategy.newPicker(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints must not be empty");
        assertThatThrownBy(() -> strategy.newPicker(all).pick(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("context must not be null");
        assertThatThrownBy(() -> new LocalityLeastConnectionsReplicated(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("config must not be null");
        assertThatThrownBy(() -> new LocalityLeastConnectionsReplicated(LocalityConfig.ofDefaults(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ticker must not be null");
    }
}
