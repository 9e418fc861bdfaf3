package io.lb4j.pool;

import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.algorithms.Strategies;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A striped {@link Member} (a pool whose strategy does not read load): each thread counts in its own stripe,
 * and every read combines the stripes exactly.
 */
class MemberStripesTest {
    private static final long TAU = Duration.ofSeconds(10).toNanos();
    private final ManualTicker ticker = new ManualTicker();
    private final Member m = new Member(Server.of("127.0.0.1", 9), ticker, TAU, 4);

    @Test
    void theStripeCountIsTheProcessorsRoundedUpToAPowerOfTwoAtMostEight() {
        assertThat(List.of(0, 1, 2, 3, 4, 5, 8, 9, 64).stream().map(Member::stripes))
                .containsExactly(1, 1, 2, 4, 4, 8, 8, 8, 8);
    }

    @Test
    void stripeZeroIsTheMemberAndTheOthersAreMadeOnceOnFirstUse() {
        assertThat(m.hot(0)).isSameAs(m);
        MemberHot one = m.hot(1);
        assertThat(one).isInstanceOf(HotStripe.class).isSameAs(m.hot(1)).isNotSameAs(m.hot(2));
        assertThat(m.hot(5)).as("a stripe index wraps").isSameAs(one);
    }

    @Test
    void anUnstripedMemberCountsEverythingInItself() {
        Member plain = new Member(Server.of("127.0.0.1", 9), ticker, TAU, 1);
        assertThat(plain.hot(0)).isSameAs(plain);
        assertThat(plain.hot(3)).isSameAs(plain);
    }

    @Test
    void aStripeCountThatIsNotAPowerOfTwoIsRefused() {
        assertThatThrownBy(() -> new Member(Server.of("127.0.0.1", 9), ticker, TAU, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stripes must be a power of two, was 3");
    }

    @Test
    void readsSumTheCountsOfEveryStripe() {
        m.hot(0).incrementInFlight();
        m.hot(1).incrementInFlight();
        m.hot(3).incrementInFlight();
        m.hot(3).incrementInFlight();
        m.hot(1).countSuccess();
        m.hot(2).countSuccess();
        m.hot(2).decrementInFlight(); // a lease completed on another stripe than the one that acquired it
        assertThat(m.inFlight()).isEqualTo(3);
        assertThat(m.successes()).isEqualTo(2);
        assertThat(m.picks()).isEqualTo(5);
    }

    @Test
    void theLatencyIsTheHighestStripeEstimate() {
        assertThat(m.hasLatencySample()).isFalse();
        m.hot(2).observe(5_000_000, ticker.read());
        m.hot(1).observe(2_000_000, ticker.read());
        assertThat(m.hasLatencySample()).isTrue();
        assertThat(m.latencyNanos(ticker.read())).isEqualTo(5_000_000.0);
        assertThat(m.costEstimate()).isEqualTo(5_000_000.0);
        ticker.advance(Duration.ofSeconds(10));
        assertThat(m.latencyNanos(ticker.read())).isCloseTo(5_000_000 * Math.exp(-1), org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void concurrentThreadsOnSeveralStripesLoseNothing() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int stripe = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    MemberHot h = m.hot(stripe);
                    h.incrementInFlight();
                    h.countSuccess();
                    m.hot(stripe + 1).decrementInFlight(); // completed "elsewhere": stripes go negative, sums do not
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(m.inFlight()).isZero();
        assertThat(m.successes()).isEqualTo(400_000);
    }

    @Test
    void aRoundRobinPoolIsStripedAndItsStatsAreExactUnderThreads() throws Exception {
        LoadBalancingPool pool = LoadBalancingPool.builder("p").strategy(Strategies.byName("round-robin"))
                .servers(List.of(Server.of("127.0.0.1", 9), Server.of("127.0.0.1", 10))).build();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    pool.acquire().success(1_000);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(pool.stats()).allSatisfy(s -> {
            assertThat(s.inFlight()).isZero();
            assertThat(s.picks()).isEqualTo(s.successes());
        });
        assertThat(pool.stats().stream().mapToLong(s -> s.successes()).sum()).isEqualTo(40_000);
    }

    @Test
    void aDrainEndsWhenLeasesAcquiredOnOneThreadCompleteOnAnother() throws Exception {
        LoadBalancingPool pool = LoadBalancingPool.builder("p").strategy(Strategies.byName("round-robin"))
                .servers(List.of(Server.of("127.0.0.1", 9))).build();
        List<Lease> leases = new ArrayList<>();
        Thread acquirer = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                leases.add(pool.acquire());
            }
        });
        acquirer.start();
        acquirer.join();
        leases.add(pool.acquire());
        CompletableFuture<Void> drained = pool.drain("127.0.0.1:9");
        Thread completer = new Thread(() -> leases.subList(0, 3).forEach(Lease::success));
        completer.start();
        completer.join();
        assertThat(drained).isNotDone();
        leases.get(3).failure(new java.io.IOException("reset"));
        drained.get(5, TimeUnit.SECONDS);
        assertThat(pool.stats("127.0.0.1:9").inFlight()).isZero();
    }
}
