package io.lb4j.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.lb4j.pool.PoolFixture.failOn;
import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolEdgeCasesTest {

    /** A rebuild in progress when close() runs publishes its snapshot after close: the closed pool serves. */
    @Test
    void aRebuildRacingCloseNeverLeavesAClosedPoolServing() throws Exception {
        CountDownLatch inRebuild = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean block = new AtomicBoolean();
        Rotation rot = new Rotation();
        Strategy blocking = new Strategy() {
            public String name() { return "blocking"; }
            public Picker newPicker(List<Endpoint> e) {
                if (block.get()) {
                    inRebuild.countDown();
                    try { release.await(5, TimeUnit.SECONDS); } catch (InterruptedException ex) { throw new RuntimeException(ex); }
                }
                return rot.newPicker(e);
            }
        };
        LoadBalancingPool p = LoadBalancingPool.builder("t").strategy(blocking).ticker(new ManualTicker())
                .server(server("a")).server(server("b")).scheduleHealthChecks(false).build();
        block.set(true);
        Thread t = new Thread(() -> p.markDown("b"));
        t.start();
        assertThat(inRebuild.await(5, TimeUnit.SECONDS)).isTrue();
        p.close();
        release.countDown();
        t.join(5000);
        assertThatThrownBy(p::acquire).isInstanceOf(NoAvailableServerException.class);
    }

    /** ManualTicker near Long.MAX_VALUE: the breaker's clock (Instant from ticker) jumps back 584 years when the tick wraps. */
    @Test
    void theBreakerHalfOpensWhenTheTickerWraps() {
        ManualTicker ticker = new ManualTicker(Long.MAX_VALUE - Duration.ofSeconds(2).toNanos());
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5)).permittedNumberOfCallsInHalfOpenState(2).build();
        LoadBalancingPool p = pool(ticker, PoolConfig.custom().passiveHealth(CircuitBreakerHealth.of(cb)).build(),
                server("a"), server("b"), server("c")).build();
        failOn(p, "a", 4);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        ticker.advance(Duration.ofSeconds(60));
        PoolFixture.pickCounts(p, 30);
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    /** Control: the same scenario far from the wrap passes. */
    @Test
    void breakerHalfOpensAwayFromTheWrap() {
        ManualTicker ticker = new ManualTicker();
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5)).permittedNumberOfCallsInHalfOpenState(2).build();
        LoadBalancingPool p = pool(ticker, PoolConfig.custom().passiveHealth(CircuitBreakerHealth.of(cb)).build(),
                server("a"), server("b"), server("c")).build();
        failOn(p, "a", 4);
        ticker.advance(Duration.ofSeconds(60));
        PoolFixture.pickCounts(p, 30);
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    /** nginx tracker near Long.MAX_VALUE: fine (control for the test above). */
    @Test
    void nginxTrackerSurvivesTheWrap() {
        ManualTicker ticker = new ManualTicker(Long.MAX_VALUE - Duration.ofSeconds(2).toNanos());
        LoadBalancingPool p = pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b"), server("c")).build();
        failOn(p, "a", 1);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        ticker.advance(Duration.ofSeconds(11));
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    /**
     * A connect *timeout* (blackholed host: powered off, SG drops SYN) is as hard as a refusal: the request
     * never reached the server. Failures.isConnectFailure misses it, so 2 of 3 blackholed servers -> one stays in rotation.
     */
    @Test
    void aConnectTimeoutIsAHardFailureOutOfRotationWhateverTheCap() {
        LoadBalancingPool p = pool(new ManualTicker(), PoolConfig.ofDefaults(), server("a"), server("b"), server("c")).build();
        for (String id : new String[]{"a", "b"}) {
            for (int guard = 0; guard < 100 && p.state(id) == HealthState.UP; guard++) {
                Lease l = p.acquire();
                if (l.server().id().equals(id)) {
                    l.failure(new SocketTimeoutException("connect timed out"));
                } else {
                    l.success(1_000_000L);
                }
            }
        }
        assertThat(p.eligible()).extracting(e -> e.server().id()).containsExactly("c");
    }

    /**
     * The default failure penalty is twice the slowest estimate among the eligible servers, including the
     * failing server itself: each failure doubles its own estimate. 20 failures: 1 ms -> capped at 1 hour.
     */
    @Test
    void theDefaultFailurePenaltyDoesNotCompoundOnTheFailingServer() {
        ManualTicker ticker = new ManualTicker();
        LoadBalancingPool p = pool(ticker, PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build(),
                server("a"), server("b"), server("c")).build();
        PoolFixture.pickCounts(p, 30); // everyone at 1 ms
        for (int i = 0; i < 20; i++) {
            Lease l;
            do {
                l = p.acquire();
                if (!l.server().id().equals("a")) {
                    l.success(1_000_000L);
                }
            } while (!l.server().id().equals("a"));
            l.failure(new java.io.IOException("500"), 1_000_000L);
        }
        // the slowest healthy server is 1 ms; a "penalty" should be of that order, not an hour
        assertThat(p.stats("a").latencyNanos()).isLessThan(Duration.ofSeconds(1).toNanos());
    }
}
