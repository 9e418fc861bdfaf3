package io.lb4j.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.pool.PoolFixture.failOn;
import static io.lb4j.pool.PoolFixture.pickCounts;
import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** One resilience4j circuit breaker per server: OPEN = ejected, HALF_OPEN = limited trials, CLOSED = healthy. */
class CircuitBreakerHealthTest {
    private final ManualTicker ticker = new ManualTicker();
    private final CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
            .slowCallDurationThreshold(Duration.ofMillis(500)).slowCallRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(5)).permittedNumberOfCallsInHalfOpenState(2)
            .build();
    private final PoolConfig cfg = PoolConfig.custom().passiveHealth(CircuitBreakerHealth.of(breaker)).build();

    @Test
    void failureRateOpensTheBreakerAndEjects() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        failOn(p, "a", 4);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pickCounts(p, 20)).containsOnlyKeys("b", "c");
    }

    @Test
    void slowCallsOpenTheBreakerToo() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        int slow = 0;
        for (int i = 0; slow < 4 && i < 100; i++) {
            Lease l = p.acquire();
            if (l.server().id().equals("a")) {
                l.success(Duration.ofSeconds(1).toNanos());
                slow++;
            } else {
                l.success(1_000_000L);
            }
        }
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void halfOpenAdmitsOnlyThePermittedTrialCalls() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        failOn(p, "a", 4);
        ticker.advance(Duration.ofSeconds(5).plusMillis(1)); // just after waitDurationInOpenState
        List<Lease> open = new ArrayList<>();
        int onA = 0;
        for (int i = 0; i < 30; i++) {
            Lease l = p.acquire();
            if (l.server().id().equals("a")) {
                onA++;
            }
            open.add(l); // keep trials open: permits are not returned
        }
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
        assertThat(onA).isEqualTo(2);
        open.forEach(Lease::success);
    }

    @Test
    void successfulTrialsCloseTheBreaker() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        failOn(p, "a", 4);
        ticker.advance(Duration.ofSeconds(5).plusMillis(1)); // just after waitDurationInOpenState
        pickCounts(p, 30); // all succeed, including a's two trials
        assertThat(p.stats("a").successes()).isGreaterThanOrEqualTo(2);
        assertThat(pickCounts(p, 30)).containsKey("a"); // closed: a is back in rotation without limit
        assertThat(p.stats("a").successes()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void failedTrialsOpenItAgain() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        failOn(p, "a", 4);
        ticker.advance(Duration.ofSeconds(5).plusMillis(1)); // just after waitDurationInOpenState
        failOn(p, "a", 2);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pickCounts(p, 20)).containsOnlyKeys("b", "c");
    }
}
