package io.lb4j.pool;

import io.lb4j.api.HealthCheck;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.lb4j.pool.PoolFixture.failOn;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** HAProxy's check + observe: active probes end a passive ejection early; the event says which did. */
class ActivePassiveCompositionTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Map<String, Boolean> healthy = new ConcurrentHashMap<>();
    private final HealthCheck scripted = (server, timeout) ->
            healthy.getOrDefault(server.id(), true) ? HealthCheckResult.pass("200 OK") : HealthCheckResult.fail("503");
    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();
    private LoadBalancingPool pool;

    @AfterEach
    void close() {
        pool.close();
    }

    private void build(PassiveHealth passive) {
        PoolConfig cfg = PoolConfig.custom().passiveHealth(passive)
                .activeHealth(ActiveHealth.custom(scripted).rise(2).fall(3).timeout(Duration.ofMillis(500)).build())
                .build();
        pool = PoolFixture.pool(ticker, cfg, server("a"), server("b")).build();
        pool.addListener(events::add);
    }

    @Test
    void aPassivelyEjectedServerReturnsAfterRisePassingProbesNotAtFailTimeout() {
        build(PassiveHealth.nginx(1, Duration.ofSeconds(30)));
        pool.checkHealthNow(); // passes before the ejection do not count
        pool.checkHealthNow();
        failOn(pool, "a", 1);
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.UP);
        assertThat(events).last().satisfies(e -> {
            assertThat(e.previous()).isEqualTo(HealthState.EJECTED);
            assertThat(e.current()).isEqualTo(HealthState.UP);
            assertThat(e.reason()).startsWith("restored by active health check (2 passing probes");
        });
    }

    @Test
    void withoutPassingProbesItWaitsForFailTimeout() {
        build(PassiveHealth.nginx(1, Duration.ofSeconds(30)));
        healthy.put("a", false);
        failOn(pool, "a", 1);
        pool.checkHealthNow();
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        ticker.advance(Duration.ofSeconds(30));
        pool.checkHealthNow(); // third failed probe: now down by active checks, whatever passive says
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void anActivelyDownServerIsNotRestoredByPassiveTimeout() {
        build(PassiveHealth.nginx(1, Duration.ofSeconds(10)));
        healthy.put("a", false);
        for (int i = 0; i < 3; i++) {
            pool.checkHealthNow();
        }
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        ticker.advance(Duration.ofMinutes(5));
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        healthy.put("a", true);
        pool.checkHealthNow();
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.UP);
        assertThat(events).last().satisfies(e -> assertThat(e.reason()).isEqualTo("active health check passed: 200 OK"));
    }

    @Test
    void anOpenCircuitBreakerIsClosedByPassingProbes() {
        build(CircuitBreakerHealth.of(io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMinutes(1)).build()));
        pool.checkHealthNow();
        failOn(pool, "a", 4);
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        pool.checkHealthNow();
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.UP);
    }

    @Test
    void probesPassingWhileConnectionsAreRefusedStillRestoreAfterRise() {
        build(PassiveHealth.ofDefaults());
        failOn(pool, "a", 1);
        PoolFixture.pickCounts(pool, 1);
        // a refused connection is a hard ejection, yet the probe is the better witness once the server is back
        pool.checkHealthNow();
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.UP);
        assertThat(new ConnectException("x")).isInstanceOf(IOException.class);
    }
}
