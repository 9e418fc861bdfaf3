package io.lb4j.okhttp;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.internal.PoolInternals;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts real backends on loopback, builds pools over them, and closes everything after each test. */
abstract class InterceptorTestBase {
    final ManualTicker ticker = new ManualTicker();
    final Fixtures.RecordingDns dns = new Fixtures.RecordingDns();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    Backend backend(String name) {
        Backend b = new Backend(name);
        closeables.add(b);
        return b;
    }

    List<Backend> backends(String... names) {
        List<Backend> list = new ArrayList<>();
        for (String n : names) {
            list.add(backend(n));
        }
        return list;
    }

    /** nginx passive health {@code max_fails=1 fail_timeout=10s}, on the manual ticker. */
    LoadBalancingPool pool(String name, Strategy strategy, List<Backend> members) {
        return pool(name, strategy, PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10))).build(),
                members);
    }

    LoadBalancingPool pool(String name, Strategy strategy, PoolConfig config, List<Backend> members) {
        List<Server> servers = new ArrayList<>();
        for (Backend m : members) {
            servers.add(m.server());
        }
        return poolOf(name, strategy, config, servers);
    }

    LoadBalancingPool poolOf(String name, Strategy strategy, PoolConfig config, List<Server> servers) {
        LoadBalancingPool p = PoolInternals.manualHealthChecks(LoadBalancingPool.builder(name).strategy(strategy)
                .config(config).ticker(ticker)).servers(servers).build();
        closeables.add(p);
        return p;
    }

    static int totalHits(List<Backend> backends) {
        return backends.stream().mapToInt(b -> b.hits.get()).sum();
    }

    static Server server(Backend b) {
        return b.server();
    }

    @AfterEach
    void closeAndCheckNoLogicalNameWasResolved() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        // Every request left the client for an IP literal of a pool member: no logical name reached DNS.
        assertThat(dns.lookups).allMatch(h -> h.matches("[0-9.]+"), "only IP literals are resolved");
    }
}
