package io.lb4j.metrics;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.Endpoint;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Outcome;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.OutcomeObserver;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MicrometerPoolMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualTicker ticker = new ManualTicker();

    private static Server server(String id, int port) {
        return Server.builder("127.0.0.1", port).id(id).build();
    }

    private LoadBalancingPool pool(MicrometerPoolMetrics metrics, PassiveHealth passive) {
        return LoadBalancingPool.builder("orders").strategy(new RoundRobin()).ticker(ticker)
                .config(PoolConfig.custom().passiveHealth(passive).build())
                .server(server("a", 1001)).server(server("b", 1002))
                .observer(metrics).build();
    }

    private Timer timer(String server, String outcome) {
        return registry.get("lb4j.requests").tags("pool", "orders", "server", server, "outcome", outcome).timer();
    }

    private double gauge(String name, String server, String... tags) {
        return registry.get(name).tags("pool", "orders", "server", server).tags(tags).gauge().value();
    }

    private double counter(String name, String server) {
        return registry.get(name).tags("pool", "orders", "server", server).counter().count();
    }

    @Test
    void countsRequestsByOutcomeWithTheirLatency() {
        try (LoadBalancingPool pool = pool(MicrometerPoolMetrics.of(registry), PassiveHealth.disabled())) {
            Lease first = pool.acquire();
            ticker.advance(Duration.ofMillis(30));
            first.success();                                   // 30 ms, measured on the pool's ticker
            pool.acquire().failure(new IOException("boom"), 5_000_000L); // 5 ms, measured by the caller
            pool.acquire().drop();
            pool.acquire().success(1_000_000L);

            String a = first.server().id();
            String b = a.equals("a") ? "b" : "a";
            assertThat(timer(a, "success").count()).isEqualTo(1);
            assertThat(timer(a, "success").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30.0, within(1e-9));
            assertThat(timer(b, "failure").count()).isEqualTo(1);
            assertThat(timer(b, "failure").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0, within(1e-9));
            assertThat(timer(a, "drop").count()).isEqualTo(1);
            assertThat(timer(b, "success").count()).isEqualTo(1);
            assertThat(timer(a, "failure").count()).isZero();
        }
    }

    @Test
    void inFlightGaugeFollowsOpenLeases() {
        try (LoadBalancingPool pool = pool(MicrometerPoolMetrics.of(registry), PassiveHealth.disabled())) {
            Lease one = pool.acquire();
            Lease two = pool.acquire();
            Lease three = pool.acquire();
            String id = one.server().id();
            assertThat(gauge("lb4j.requests.active", id)).isEqualTo(2.0);
            one.success();
            three.success();
            assertThat(gauge("lb4j.requests.active", id)).isZero();
            assertThat(gauge("lb4j.requests.active", two.server().id())).isEqualTo(1.0);
        }
    }

    @Test
    void stateGaugesAndEjectionCountersFollowPassiveHealth() {
        try (LoadBalancingPool pool = pool(MicrometerPoolMetrics.of(registry), PassiveHealth.nginx(1, Duration.ofSeconds(10)))) {
            assertThat(gauge("lb4j.server.state", "a", "state", "up")).isEqualTo(1.0);
            assertThat(gauge("lb4j.server.state", "a", "state", "ejected")).isZero();
            failA(pool);
            assertThat(gauge("lb4j.server.state", "a", "state", "up")).isZero();
            assertThat(gauge("lb4j.server.state", "a", "state", "ejected")).isEqualTo(1.0);
            assertThat(counter("lb4j.ejections", "a")).isEqualTo(1.0);
            assertThat(counter("lb4j.restorations", "a")).isZero();

            ticker.advance(Duration.ofSeconds(10)); // fail_timeout over: a is tried again
            assertThat(gauge("lb4j.server.state", "a", "state", "up")).isEqualTo(1.0);
            assertThat(counter("lb4j.restorations", "a")).isEqualTo(1.0);
            assertThat(counter("lb4j.ejections", "b")).isZero();
        }
    }

    private static void failA(LoadBalancingPool pool) {
        for (int i = 0; i < 2; i++) {
            Lease lease = pool.acquire();
            if (lease.server().id().equals("a")) {
                lease.failure(new IOException("boom"));
                return;
            }
            lease.success();
        }
        throw new AssertionError("a was never picked");
    }

    @Test
    void countsPicksThatFoundNoServerByReason() {
        try (LoadBalancingPool pool = pool(MicrometerPoolMetrics.of(registry), PassiveHealth.disabled())) {
            pool.markDown("a");
            pool.markDown("b");
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(pool::acquire).isInstanceOf(NoAvailableServerException.class);
            }
            assertThat(registry.get("lb4j.picks.unavailable").tags("pool", "orders", "reason", "none_available")
                    .counter().count()).isEqualTo(3.0);
            assertThat(registry.get("lb4j.picks.unavailable").tags("pool", "orders", "reason", "empty")
                    .counter().count()).isZero();
        }
    }

    @Test
    void metersFollowMembershipAndCloseRemovesThemAll() {
        LoadBalancingPool pool = pool(MicrometerPoolMetrics.of(registry), PassiveHealth.disabled());
        pool.add(server("c", 1003));
        assertThat(registry.find("lb4j.requests").tag("server", "c").timers()).hasSize(3);
        pool.update(List.of(server("a", 1001), server("c", 1003)));  // b drains (nothing in flight) and leaves
        assertThat(registry.find("lb4j.requests").tag("server", "b").timers()).isEmpty();
        assertThat(registry.find("lb4j.requests.active").tag("server", "a").gauges()).hasSize(1);
        pool.close();
        assertThat(registry.getMeters()).extracting(Meter::getId).isEmpty();
    }

    @Test
    void aLateOutcomeOfARemovedServerRegistersNothing() {
        try (LoadBalancingPool pool = pool(MicrometerPoolMetrics.of(registry), PassiveHealth.disabled())) {
            Lease lease = pool.acquire();
            String id = lease.server().id();
            pool.remove(id);
            lease.success();
            assertThat(registry.find("lb4j.requests").tag("server", id).timers()).isEmpty();
        }
    }

    @Test
    void percentilesAreOffByDefaultAndTheHistogramIsOptIn() {
        Map<String, DistributionStatisticConfig> configs = recordDistributionConfigs(registry);
        try (LoadBalancingPool pool = pool(MicrometerPoolMetrics.of(registry), PassiveHealth.disabled())) {
            pool.acquire().success(1_000_000L);
            assertThat(timer("a", "success").takeSnapshot().percentileValues()).isEmpty();
            assertThat(configs.get("a success").isPercentileHistogram()).isNotEqualTo(Boolean.TRUE);
        }
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        Map<String, DistributionStatisticConfig> otherConfigs = recordDistributionConfigs(other);
        MicrometerPoolMetrics metrics = MicrometerPoolMetrics.custom(other).percentileHistogram(true)
                .percentiles(0.5, 0.99).build();
        try (LoadBalancingPool pool = pool(metrics, PassiveHealth.disabled())) {
            pool.acquire().success(1_000_000L);
            Timer t = other.get("lb4j.requests").tags("server", "a", "outcome", "success").timer();
            assertThat(t.takeSnapshot().percentileValues()).hasSize(2);
            assertThat(otherConfigs.get("a success").isPercentileHistogram()).isTrue();
        }
    }

    /** The distribution settings each lb4j.requests timer registers with, by "server outcome". */
    private static Map<String, DistributionStatisticConfig> recordDistributionConfigs(SimpleMeterRegistry r) {
        Map<String, DistributionStatisticConfig> configs = new ConcurrentHashMap<>();
        r.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().equals("lb4j.requests")) {
                    configs.put(id.getTag("server") + " " + id.getTag("outcome"), config);
                }
                return config;
            }
        });
        return configs;
    }

    @Test
    void recordingAnOutcomeAllocatesNothing() {
        try (LoadBalancingPool pool = pool(MicrometerPoolMetrics.of(registry), PassiveHealth.disabled())) {
            OutcomeObserver observer = MicrometerPoolMetrics.of(registry).create(pool);
            Endpoint a = pool.eligible().get(0);
            Runnable record = () -> {
                for (int i = 0; i < 10_000; i++) {
                    observer.onOutcome(a, Outcome.SUCCESS, 1_000 + i);
                    observer.onOutcome(a, Outcome.FAILURE, 2_000 + i);
                }
            };
            record.run(); // warm-up: class loading, first registrations
            long before = allocatedBytes();
            record.run();
            // one object per call would be at least 16 bytes x 20,000; a few hundred one-off bytes (a time window
            // rotating in Micrometer's max gauge) are not per call
            assertThat(allocatedBytes() - before).as("bytes for 20,000 outcomes").isLessThan(4_096);
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> MicrometerPoolMetrics.of(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registry");
        assertThatThrownBy(() -> MicrometerPoolMetrics.custom(registry).percentiles(0.5, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("percentiles").hasMessageContaining("1.5");
        assertThatThrownBy(() -> MicrometerPoolMetrics.custom(registry).percentiles((double[]) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("percentiles");
        assertThatThrownBy(() -> LoadBalancingPool.builder("x").observer(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("observer");
    }
}
