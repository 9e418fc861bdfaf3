package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.pool.PoolFixture.failOn;
import static io.lb4j.pool.PoolFixture.pickCounts;
import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nginx's max_fails / fail_timeout, driven by a hand-moved clock. */
class NginxPassiveHealthTest {
    private final ManualTicker ticker = new ManualTicker();
    private final PoolConfig cfg = PoolConfig.custom()
            .passiveHealth(PassiveHealth.nginx(3, Duration.ofSeconds(10))).build();

    @Test
    void maxFailsWithinFailTimeoutEjects() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        failOn(p, "a", 2);
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
        failOn(p, "a", 1);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pickCounts(p, 20)).containsOnlyKeys("b", "c");
    }

    @Test
    void failuresSpreadBeyondFailTimeoutDoNotEject() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b")).build();
        failOn(p, "a", 2);
        ticker.advance(Duration.ofSeconds(11));
        failOn(p, "a", 2);
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    @Test
    void ejectedServerIsTriedAgainAfterFailTimeout() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        failOn(p, "a", 3);
        ticker.advance(Duration.ofSeconds(9));
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(pickCounts(p, 30)).containsKey("a");
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    @Test
    void oneFailureOnTrialEjectsAgainAtOnce() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        failOn(p, "a", 3);
        ticker.advance(Duration.ofSeconds(10));
        failOn(p, "a", 1);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void successOnTrialRestoresFully() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        failOn(p, "a", 3);
        ticker.advance(Duration.ofSeconds(10));
        pickCounts(p, 3); // a succeeds once
        failOn(p, "a", 2);
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    @Test
    void perServerMaxFailsOverridesThePool() {
        Server strict = Server.builder("127.0.0.1", 9001).id("a").maxFails(1).build();
        LoadBalancingPool p = pool(ticker, cfg, strict, server("b"), server("c")).build();
        failOn(p, "a", 1);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void maxFailsZeroNeverEjects() {
        Server lenient = Server.builder("127.0.0.1", 9001).id("a").maxFails(0).build();
        LoadBalancingPool p = pool(ticker, cfg, lenient, server("b")).build();
        failOn(p, "a", 50);
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    @Test
    void droppedCallsDoNotCountAsFailures() {
        LoadBalancingPool p = pool(ticker, cfg, server("a")).build();
        for (int i = 0; i < 10; i++) {
            p.acquire().drop();
        }
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    @Test
    void ejectionAndRestorationAreEventsWithReasons() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("b"), server("c")).build();
        List<HealthEvent> events = new ArrayList<>();
        p.addListener(events::add);
        failOn(p, "a", 3);
        ticker.advance(Duration.ofSeconds(10));
        pickCounts(p, 1);
        assertThat(events).extracting(e -> e.previous() + "->" + e.current()).containsExactly("UP->EJECTED", "EJECTED->UP");
        assertThat(events.get(0).reason()).contains("3 failures within PT10S (max_fails=3)").contains("boom");
        assertThat(events.get(1).reason()).isEqualTo("fail_timeout elapsed, trying again");
    }

    @Test
    void theEjectionReasonNamesTheCauseEvenWhenAnotherServersIdIsASubstring() {
        LoadBalancingPool p = pool(ticker, cfg, server("a"), server("ab"), server("c")).build();
        List<HealthEvent> events = new ArrayList<>();
        p.addListener(events::add);
        failOn(p, "ab", 3);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.server().id()).isEqualTo("ab");
            assertThat(e.reason()).contains("max_fails=3").contains("java.io.IOException: boom");
        });
    }

    @Test
    void ejectionCapKeepsAtLeastTheAllowedShareInService() {
        PoolConfig capped = PoolConfig.from(cfg).maxEjectionPercent(50).build();
        LoadBalancingPool p = pool(ticker, capped, server("a"), server("b"), server("c"), server("d")).build();
        failOn(p, "a", 3);
        failOn(p, "b", 3);
        failOn(p, "c", 3);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(p.state("b")).isEqualTo(HealthState.EJECTED);
        assertThat(p.state("c")).isEqualTo(HealthState.UP); // 2 of 4 = 50% already ejected
    }

    @Test
    void oneServerMayAlwaysBeEjectedEvenUnderASmallCap() {
        PoolConfig capped = PoolConfig.from(cfg).maxEjectionPercent(10).build();
        LoadBalancingPool p = pool(ticker, capped, server("a"), server("b")).build();
        failOn(p, "a", 3);
        assertThat(p.state("a")).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void allEjectedFailsSayingSo() {
        PoolConfig all = PoolConfig.from(cfg).maxEjectionPercent(100).build();
        LoadBalancingPool p = pool(ticker, all, server("a"), server("b")).build();
        failOn(p, "a", 3);
        failOn(p, "b", 3);
        assertThatThrownBy(p::acquire).hasMessage("pool 'test' has no available server: all 2 servers are ejected");
    }

    @Test
    void invalidSettingsAreRejectedNamingTheProperty() {
        assertThatThrownBy(() -> PassiveHealth.nginx(-1, Duration.ofSeconds(1)))
                .hasMessage("maxFails must be in [0, 1000000], was -1");
        assertThatThrownBy(() -> PassiveHealth.nginx(1, Duration.ZERO))
                .hasMessage("failTimeout must be a positive duration, was PT0S");
        assertThatThrownBy(() -> CircuitBreakerHealth.of(null)).hasMessage("circuitBreakerConfig must not be null");
    }
}
