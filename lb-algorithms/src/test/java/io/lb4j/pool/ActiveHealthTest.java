package io.lb4j.pool;

import io.lb4j.api.HealthCheck;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static io.lb4j.pool.PoolFixture.pickCounts;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HAProxy-style rise/fall active checks, run by hand with {@code checkHealthNow()}. */
class ActiveHealthTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Map<String, Boolean> healthy = new ConcurrentHashMap<>();
    private final Set<String> probeThreads = ConcurrentHashMap.newKeySet();
    private final HealthCheck scripted = (server, timeout) -> {
        probeThreads.add(Thread.currentThread().getName());
        return healthy.getOrDefault(server.id(), true) ? HealthCheckResult.pass() : HealthCheckResult.fail("scripted down");
    };
    private LoadBalancingPool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    private LoadBalancingPool build(HealthCheck check, Server... servers) {
        PoolConfig cfg = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).maxEjectionPercent(100)
                .activeHealth(ActiveHealth.custom(check).rise(2).fall(3).timeout(Duration.ofMillis(200)).build())
                .slowStart(Duration.ofSeconds(10)).build();
        pool = PoolFixture.pool(ticker, cfg, servers).build();
        return pool;
    }

    @Test
    void fallConsecutiveFailuresEject() {
        build(scripted, server("a"), server("b"));
        healthy.put("a", false);
        pool.checkHealthNow();
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.UP);
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pickCounts(pool, 10)).containsOnlyKeys("b");
    }

    @Test
    void riseConsecutivePassesRestoreWithSlowStart() {
        build(scripted, server("a", 10), server("b", 10));
        healthy.put("a", false);
        for (int i = 0; i < 3; i++) {
            pool.checkHealthNow();
        }
        healthy.put("a", true);
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.UP);
        assertThat(pool.stats("a").weight()).isEqualTo(1.0); // ramps from 10%
        ticker.advance(Duration.ofSeconds(10));
        assertThat(pool.stats("a").weight()).isEqualTo(10.0);
    }

    @Test
    void aPassBetweenFailuresResetsTheFallCount() {
        build(scripted, server("a"), server("b"));
        healthy.put("a", false);
        pool.checkHealthNow();
        pool.checkHealthNow();
        healthy.put("a", true);
        pool.checkHealthNow();
        healthy.put("a", false);
        pool.checkHealthNow();
        pool.checkHealthNow();
        assertThat(pool.state("a")).isEqualTo(HealthState.UP);
    }

    @Test
    void probesRunOffTheCallersThread() {
        build(scripted, server("a"));
        pool.checkHealthNow();
        assertThat(probeThreads).isNotEmpty().doesNotContain(Thread.currentThread().getName())
                .allMatch(n -> n.startsWith("lb4j-test-probe-"));
    }

    @Test
    void aHungProbeTimesOutAndCountsAsFailed() {
        CountDownLatch never = new CountDownLatch(1);
        HealthCheck hangs = (server, timeout) -> {
            if (server.id().equals("a")) {
                never.await();
            }
            return HealthCheckResult.pass();
        };
        build(hangs, server("a"), server("b"));
        for (int i = 0; i < 3; i++) {
            pool.checkHealthNow();
        }
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pool.state("b")).isEqualTo(HealthState.UP);
    }

    @Test
    void aThrowingProbeCountsAsFailed() {
        build((server, timeout) -> {
            throw new IOException("refused");
        }, server("a"), server("b"));
        for (int i = 0; i < 3; i++) {
            pool.checkHealthNow();
        }
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void tcpCheckPassesOnAListeningPortAndFailsOnAClosedOne() throws IOException {
        TcpHealthCheck tcp = new TcpHealthCheck();
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Server up = Server.of("127.0.0.1", listening.getLocalPort());
            assertThat(tcp.check(up, Duration.ofSeconds(1)).healthy()).isTrue();
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HealthCheckResult r = tcp.check(Server.of("127.0.0.1", closedPort), Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).contains("tcp connect to 127.0.0.1:" + closedPort + " failed");
    }

    @Test
    void checkHealthNowWithoutActiveHealthFailsClearly() {
        LoadBalancingPool p = PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("a")).build();
        assertThatThrownBy(p::checkHealthNow).isInstanceOf(IllegalStateException.class)
                .hasMessage("pool 'test' has no active health check (PoolConfig.activeHealth)");
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> ActiveHealth.custom(null)).hasMessage("healthCheck must not be null");
        assertThatThrownBy(() -> ActiveHealth.custom(scripted).rise(0)).hasMessage("rise must be in [1, 1000], was 0");
        assertThatThrownBy(() -> ActiveHealth.custom(scripted).fall(1001)).hasMessage("fall must be in [1, 1000], was 1001");
        assertThatThrownBy(() -> ActiveHealth.custom(scripted).interval(Duration.ZERO))
                .hasMessage("interval must be a positive duration, was PT0S");
        assertThatThrownBy(() -> ActiveHealth.custom(scripted).timeout(Duration.ofHours(2)))
                .hasMessage("timeout must be in [1ms, 1h], was PT2H");
    }
}
