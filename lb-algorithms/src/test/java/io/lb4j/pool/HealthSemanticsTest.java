package io.lb4j.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.pool.PoolFixture.failOn;
import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

class HealthSemanticsTest {

    /**
     * nginx, after fail_timeout, lets ONE request through to a failed server (peer->checked) until it answers;
     * lb4j puts it back at its full share: every caller in that window lands on a possibly still-dead
     * (e.g. blackholed, 10 s connect timeout) server.
     */
    @Test
    void afterFailTimeoutTheServerGetsOneTrialNotItsFullShare() {
        ManualTicker ticker = new ManualTicker();
        LoadBalancingPool p = pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b"), server("c")).build();
        Lease l;
        do {
            l = p.acquire();
            if (!l.server().id().equals("a")) l.success(1_000_000L);
        } while (!l.server().id().equals("a"));
        l.failure(new ConnectException("refused"));
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        ticker.advance(Duration.ofSeconds(10));
        List<Lease> open = new ArrayList<>();
        int onA = 0;
        for (int i = 0; i < 30; i++) {
            Lease x = p.acquire();
            open.add(x);
            if (x.server().id().equals("a")) onA++;
        }
        assertThat(onA).as("requests sent to a before its first trial answered").isLessThanOrEqualTo(1);
    }

    /**
     * With a backoff wait (IntervalFunction), the pool's deadline uses apply(1); after a failed half-open trial
     * the breaker waits apply(2), and in between every acquire that finds the deadline past (every 1 ms) rebuilds.
     */
    @Test
    void aBreakerBackoffDoesNotMakeThePickPathRebuildEveryMillisecond() {
        ManualTicker ticker = new ManualTicker();
        AtomicInteger pickers = new AtomicInteger();
        Rotation rot = new Rotation();
        Strategy counting = new Strategy() {
            public String name() { return "counting"; }
            public Picker newPicker(List<Endpoint> e) { pickers.incrementAndGet(); return rot.newPicker(e); }
        };
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(5), 10))
                .permittedNumberOfCallsInHalfOpenState(1).build();
        LoadBalancingPool p = LoadBalancingPool.builder("t").strategy(counting).ticker(ticker)
                .config(PoolConfig.custom().passiveHealth(CircuitBreakerHealth.of(cb)).build())
                .scheduleHealthChecks(false).server(server("a")).server(server("b")).server(server("c")).build();
        failOn(p, "a", 4);
        ticker.advance(Duration.ofSeconds(5).plusMillis(2)); // half-open
        failOn(p, "a", 1);                                     // the trial fails: open again, now for 50 s
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        ticker.advance(Duration.ofSeconds(6));
        int before = pickers.get();
        for (int i = 0; i < 1000; i++) {                       // one second of traffic, one pick per ms
            ticker.advanceMillis(1);
            p.acquire().success(1_000_000L);
        }
        assertThat(pickers.get() - before).as("rebuilds during 1 s with no health change").isLessThan(10);
    }

    /**
     * The probe timeout runs from submission, not from the probe's start: with more servers than probe
     * threads, healthy servers whose probe merely waited in the queue are counted as failed and ejected (hard,
     * so no cap and no panic protects the pool).
     */
    @Test
    void queuedProbesDoNotTimeOutNorEjectHealthyServers() {
        ActiveHealth active = ActiveHealth.custom((s, to) -> {
                    Thread.sleep(300); // a healthy but not instant check
                    return HealthCheckResult.pass();
                }).timeout(Duration.ofMillis(500)).fall(1).concurrency(1).build();
        LoadBalancingPool p = pool(new ManualTicker(), PoolConfig.custom().activeHealth(active).build(),
                server("a"), server("b"), server("c")).build();
        try {
            p.checkHealthNow();
            assertThat(p.stats()).extracting(st -> st.state()).containsOnly(HealthState.UP);
        } finally {
            p.close();
        }
    }
}
