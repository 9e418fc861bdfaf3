package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalityLeastConnectionsTest {
    /**
     * A key whose least-connections scan starts at position 0 in lists of 2, 3, 4 and 6 endpoints
     * (its hash is a multiple of 12), so ties resolve to the first endpoint, as in LVS.
     */
    private static final PickContext KEY = PickContext.ofKey("10.1.2.10");

    private final ManualTicker ticker = new ManualTicker();
    private final FakeEndpoint s0 = FakeEndpoint.of("s0", 1);
    private final FakeEndpoint s1 = FakeEndpoint.of("s1", 1);
    private final FakeEndpoint s2 = FakeEndpoint.of("s2", 1);
    private final List<Endpoint> all = List.of(s0, s1, s2);

    private LocalityLeastConnections strategy(Duration expiry, int maxEntries) {
        return new LocalityLeastConnections(LocalityConfig.custom().expiry(expiry).maxEntries(maxEntries).build(),
                ticker);
    }

    private LocalityLeastConnections strategy() {
        return new LocalityLeastConnections(LocalityConfig.ofDefaults(), ticker);
    }

    @Test
    void hasItsCanonicalNameAndLvsDefaults() {
        LocalityLeastConnections s = new LocalityLeastConnections();
        assertThat(s.name()).isEqualTo("locality-least-connections");
        assertThat(s.config().expiry()).isEqualTo(Duration.ofHours(24));
        assertThat(s.config().maxEntries()).isEqualTo(16_384);
    }

    @Test
    void aNewKeyGoesToTheWeightedLeastConnectedServer() {
        s0.inFlight(2);                 // 2 / 1 = 2
        s1.weight(2).inFlight(3);       // 3 / 2 = 1.5
        s2.inFlight(1);                 // 1 / 1 = 1   <- least
        assertThat(strategy().newPicker(all).pick(KEY)).isSameAs(s2);
    }

    @Test
    void weightedLeastConnectionTiesGoToTheFirstInListOrder() {
        s0.inFlight(1);                 // 1 / 1
        s1.weight(2).inFlight(2);       // 2 / 2, a tie
        s2.inFlight(3);
        assertThat(strategy().newPicker(all).pick(KEY)).isSameAs(s0);
    }

    @Test
    void theKeyStaysWithItsServerWhenAnotherBecomesLessLoaded() {
        Picker picker = strategy().newPicker(all);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s0.inFlight(1);                 // not above its weight 1: not overloaded
        assertThat(picker.pick(KEY)).isSameAs(s0);
    }

    @Test
    void theKeyStaysWithABusyServerWhileNoServerIsUnderHalfItsWeight() {
        Picker picker = strategy().newPicker(all);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s0.inFlight(5);                 // 5 > weight 1
        s1.inFlight(1);                 // 1 × 2 < 1? no
        s2.inFlight(1);                 // no
        assertThat(picker.pick(KEY)).isSameAs(s0);
    }

    @Test
    void theKeyMovesWhenItsServerIsOverloadedAndAnotherIsUnderHalfItsWeight() {
        Picker picker = strategy().newPicker(all);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s0.inFlight(2);                 // 2 > 1
        s1.inFlight(1);
        s2.inFlight(0);                 // 0 × 2 < 1: overloaded rule holds; wlc picks s2
        assertThat(picker.pick(KEY)).isSameAs(s2);
        // and it stays there once s0 is idle again
        s0.inFlight(0);
        assertThat(picker.pick(KEY)).isSameAs(s2);
    }

    @Test
    void theOverloadTestComparesInFlightWithTheServersWeight() {
        s0.weight(4);
        Picker picker = strategy().newPicker(all);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s0.inFlight(4);                 // 4 > 4? no
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s0.inFlight(5);                 // 5 > 4, and s1 is idle
        assertThat(picker.pick(KEY)).isSameAs(s1);
    }

    @Test
    void theKeyMovesWhenItsServerLeavesTheEligibleSetAndStaysMovedWhenItReturns() {
        LocalityLeastConnections strategy = strategy();
        assertThat(strategy.newPicker(all).pick(KEY)).isSameAs(s0);
        s1.inFlight(1);
        assertThat(strategy.newPicker(List.of(s1, s2)).pick(KEY)).isSameAs(s2);
        s1.inFlight(0);
        assertThat(strategy.newPicker(all).pick(KEY)).isSameAs(s2);
    }

    @Test
    void aKeyIdleForLongerThanTheExpiryIsForgottenAndReassigned() {
        LocalityLeastConnections strategy = strategy(Duration.ofMinutes(10), LocalityConfig.DEFAULT_MAX_ENTRIES);
        Picker picker = strategy.newPicker(all);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s0.inFlight(1);                 // wlc now prefers s1, but s0 is not overloaded
        ticker.advance(Duration.ofMinutes(10));
        assertThat(picker.pick(KEY)).as("idle exactly the expiry: kept").isSameAs(s0);
        ticker.advance(Duration.ofMinutes(10)).advance(Duration.ofNanos(1));
        assertThat(picker.pick(KEY)).as("idle longer than the expiry: reassigned").isSameAs(s1);
    }

    @Test
    void eachUseRestartsTheIdleClock() {
        LocalityLeastConnections strategy = strategy(Duration.ofMinutes(10), LocalityConfig.DEFAULT_MAX_ENTRIES);
        Picker picker = strategy.newPicker(all);
        assertThat(picker.pick(KEY)).isSameAs(s0);
        s0.inFlight(1);
        for (int i = 0; i < 5; i++) {
            ticker.advance(Duration.ofMinutes(9));
            assertThat(picker.pick(KEY)).isSameAs(s0);
        }
    }

    @Test
    void aFullTableEvictsTheLeastRecentlyUsedKey() {
        // 8 entries = one bucket of 8 ways: eviction is exact LRU
        LocalityLeastConnections strategy = strategy(Duration.ofHours(1), 8);
        Picker picker = strategy.newPicker(all);
        for (int k = 0; k < 8; k++) {
            picker.pick(PickContext.ofKey("k" + k));
            ticker.advance(Duration.ofSeconds(1));
        }
        picker.pick(PickContext.ofKey("k0"));        // k0 used again: k1 is now the least recent
        ticker.advance(Duration.ofSeconds(1));
        picker.pick(PickContext.ofKey("k8"));
        LocalityTable table = strategy.table();
        assertThat(table.size()).isEqualTo(8);
        assertThat(table.peek(PickContext.ofKey("k1").keyHash())).isNull();
        assertThat(table.peek(PickContext.ofKey("k0").keyHash())).isNotNull();
        assertThat(table.peek(PickContext.ofKey("k8").keyHash())).isNotNull();
    }

    @Test
    void theTableNeverHoldsMoreThanMaxEntries() {
        LocalityLeastConnections strategy = strategy(Duration.ofHours(1), 64);
        Picker picker = strategy.newPicker(all);
        for (int k = 0; k < 10_000; k++) {
            picker.pick(PickContext.ofKey("key-" + k));
        }
        assertThat(strategy.table().size()).isLessThanOrEqualTo(64).isGreaterThan(32);
    }

    @Test
    void buildingAPickerSweepsExpiredKeys() {
        LocalityLeastConnections strategy = strategy(Duration.ofMinutes(1), 64);
        Picker picker = strategy.newPicker(all);
        for (int k = 0; k < 10; k++) {
            picker.pick(PickContext.ofKey("key-" + k));
        }
        assertThat(strategy.table().size()).isEqualTo(10);
        ticker.advance(Duration.ofMinutes(2));
        strategy.newPicker(all);
        assertThat(strategy.table().size()).isZero();
    }

    @Test
    void withoutAKeyPicksAreWeightedLeastConnections() {
        s0.inFlight(3);
        s1.inFlight(1);
        s2.inFlight(2);
        LocalityLeastConnections strategy = strategy();
        assertThat(strategy.newPicker(all).pick(PickContext.none())).isSameAs(s1);
        assertThat(strategy.table().size()).isZero();
    }

    @Test
    void picksOfAKnownKeyAllocateNothing() {
        Picker picker = strategy().newPicker(all);
        picker.pick(KEY);
        long bytes = AllocationMeter.bytesAllocatedBy(() -> picker.pick(KEY), 100_000);
        // exact per-thread counter; 0 bytes per pick with a few hundred bytes of slack for the counter
        assertThat(bytes).isLessThan(1_000);
    }

    @Test
    void concurrentPicksOfSharedKeysAlwaysReturnAnEligibleServer() throws Exception {
        LocalityLeastConnections strategy = strategy(Duration.ofSeconds(1), 64);
        Picker picker = strategy.newPicker(all);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 20_000; i++) {
                        Endpoint e = picker.pick(PickContext.ofKey("k" + (i % 200)));
                        if (e == s0 || e == s1 || e == s2) {
                            ok++;
                        }
                        if (i % 1000 == 0) {
                            ticker.advance(Duration.ofMillis(300));
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(20_000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(strategy.table().size()).isLessThanOrEqualTo(64);
    }

    @Test
    void rejectsBadInputNamingIt() {
        LocalityLeastConnections s = strategy();
        assertThatThrownBy(() -> s.newPicker(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("locality-least-connections: endpoints must not be null");
        assertThatThrownBy(() -> s.newPicker(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints must not be empty");
        assertThatThrownBy(() -> s.newPicker(all).pick(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("context must not be null");
        assertThatThrownBy(() -> new LocalityLeastConnections(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config must not be null");
        assertThatThrownBy(() -> new LocalityLeastConnections(LocalityConfig.ofDefaults(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ticker must not be null");
    }

    @Test
    void configRejectsOutOfRangeValuesNamingThem() {
        assertThatThrownBy(() -> LocalityConfig.custom().maxEntries(12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxEntries must be a multiple of 8 in [8, 16777216], was 12");
        assertThatThrownBy(() -> LocalityConfig.custom().maxEntries(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> LocalityConfig.custom().expiry(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expiry must be in [PT0.001S, PT8760H], was PT0S");
        assertThatThrownBy(() -> LocalityConfig.custom().expiry(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expiry must not be null");
    }
}
