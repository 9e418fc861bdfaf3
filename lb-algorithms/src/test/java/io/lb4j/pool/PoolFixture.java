package io.lb4j.pool;

import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;

import java.util.LinkedHashMap;
import java.util.Map;

/** Shared helpers for pool tests: servers a, b, c..., and counting picks. */
final class PoolFixture {
    private PoolFixture() {
    }

    static Server server(String id) {
        return Server.builder("127.0.0.1", 1000 + Math.abs(id.hashCode() % 50000)).id(id).build();
    }

    static Server server(String id, int weight) {
        return Server.builder("127.0.0.1", 1000 + Math.abs(id.hashCode() % 50000)).id(id).weight(weight).build();
    }

    static Server backup(String id) {
        return Server.builder("127.0.0.1", 1000 + Math.abs(id.hashCode() % 50000)).id(id).backup(true).build();
    }

    static PoolBuilder pool(ManualTicker ticker, PoolConfig config, Server... servers) {
        return pool((io.lb4j.api.Ticker) ticker, config, servers);
    }

    /** As above with any ticker, e.g. one that counts its reads. */
    static PoolBuilder pool(io.lb4j.api.Ticker ticker, PoolConfig config, Server... servers) {
        PoolBuilder b = LoadBalancingPool.builder("test").strategy(new Rotation()).ticker(ticker)
                .config(config).scheduleHealthChecks(false);
        for (Server s : servers) {
            b.server(s);
        }
        return b;
    }

    /** Picks {@code n} times, completing each lease with success at once; returns picks per server id. */
    static Map<String, Integer> pickCounts(LoadBalancingPool pool, int n) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Lease lease = pool.acquire();
            counts.merge(lease.server().id(), 1, Integer::sum);
            lease.success(1_000_000L);
        }
        return counts;
    }

    /** Fails {@code n} calls that land on {@code id} (other picks succeed). */
    static void failOn(LoadBalancingPool pool, String id, int n) {
        int failed = 0;
        for (int guard = 0; failed < n && guard < 10_000; guard++) {
            Lease lease = pool.acquire();
            if (lease.server().id().equals(id)) {
                lease.failure(new java.io.IOException("boom"));
                failed++;
            } else {
                lease.success(1_000_000L);
            }
        }
        if (failed < n) {
            throw new AssertionError("could not route " + n + " failures to " + id);
        }
    }
}
