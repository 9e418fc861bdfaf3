package io.lb4j.pool;

import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link MemberHot}: the per-request counters of a member, exact under concurrent updates. */
class MemberHotTest {
    private final MemberHot hot = new Member(server("a"), new ManualTicker(), Duration.ofSeconds(10).toNanos(), 1);

    @Test
    void incrementAndDecrementReturnTheNewInFlightCount() {
        assertThat(hot.incrementInFlight()).isEqualTo(1);
        assertThat(hot.incrementInFlight()).isEqualTo(2);
        assertThat(hot.decrementInFlight()).isEqualTo(1);
        assertThat(hot.inFlight).isEqualTo(1);
    }

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    hot.incrementInFlight();
                    hot.countSuccess();
                    hot.decrementInFlight();
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(hot.inFlight).isZero();
        assertThat(hot.successes).isEqualTo(200_000);
    }

    @Test
    void theHotFieldsStartAfterTheCacheLinePad() throws Exception {
        // CacheLinePad's 64 padding bytes come first (superclass fields are laid out first)
        assertThat(CacheLinePad.class.getDeclaredFields()).hasSize(64);
        assertThat(MemberPadAfter.class.getDeclaredFields()).hasSize(64);
        assertThat(MemberHot.class.getSuperclass()).isEqualTo(LatencyEstimator.class);
        assertThat(LatencyEstimator.class.getSuperclass()).isEqualTo(CacheLinePad.class);
    }
}
