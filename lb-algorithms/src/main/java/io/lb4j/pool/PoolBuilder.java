package io.lb4j.pool;

import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds a {@link LoadBalancingPool}: {@code LoadBalancingPool.builder("orders").strategy(...).server(...).build()}.
 * Each setter validates at once and names the property. O(1) per server (duplicate ids are found by a hash
 * lookup), so 100,000 servers build in well under a second.
 *
 * <p>Not thread-safe.
 */
public final class PoolBuilder {
    final String name;
    Strategy strategy;
    PoolConfig config = PoolConfig.ofDefaults();
    Ticker ticker = Ticker.system();
    final Map<String, Server> servers = new LinkedHashMap<>();
    final Set<String> down = new HashSet<>();
    boolean scheduleHealthChecks = true;
    ScheduledExecutorService executor;
    OutcomeObserver.Factory observer;

    static {
        io.lb4j.pool.internal.PoolInternals.install(new io.lb4j.pool.internal.PoolInternals.Access() {
            @Override
            public PoolBuilder manualHealthChecks(PoolBuilder builder) {
                return builder.scheduleHealthChecks(false);
            }

            @Override
            public void checkHealthNow(LoadBalancingPool pool) {
                pool.checkHealthNow();
            }
        });
    }

    PoolBuilder(String name) {
        this.name = name;
    }

    /** The balancing algorithm; one strategy instance per pool. Required. */
    public PoolBuilder strategy(Strategy strategy) {
        this.strategy = Checks.notNull("strategy", strategy);
        return this;
    }

    /** Health and traffic-shaping settings; default {@link PoolConfig#ofDefaults()}. */
    public PoolBuilder config(PoolConfig config) {
        this.config = Checks.notNull("config", config);
        return this;
    }

    /** The time source; tests pass a {@code ManualTicker}. Default {@link Ticker#system()}. */
    public PoolBuilder ticker(Ticker ticker) {
        this.ticker = Checks.notNull("ticker", ticker);
        return this;
    }

    /**
     * Where active health checks run (rounds, timeouts and probes), instead of the pool's own threads.
     * Give it at least two threads; the pool cancels its tasks on close but does not shut it down.
     */
    public PoolBuilder healthExecutor(ScheduledExecutorService executor) {
        this.executor = Checks.notNull("healthExecutor", executor);
        return this;
    }

    /**
     * Observes every completed lease and every pick that found no server, e.g.
     * {@code observer(MicrometerPoolMetrics.of(registry))}. Default none (a null check per lease).
     */
    public PoolBuilder observer(OutcomeObserver.Factory factory) {
        this.observer = Checks.notNull("observer", factory);
        return this;
    }

    /** An initial member (no slow start for initial members). */
    public PoolBuilder server(Server server) {
        return server(server, false);
    }

    /**
     * An initial member, down (nginx {@code server ... down}) when {@code down}. O(1).
     *
     * @throws IllegalArgumentException when the server is null or its id is already taken
     */
    public PoolBuilder server(Server server, boolean down) {
        Checks.notNull("server", server);
        if (servers.putIfAbsent(server.id(), server) != null) {
            throw new IllegalArgumentException("pool '" + name + "' already has a server with id '" + server.id() + "'");
        }
        if (down) {
            this.down.add(server.id());
        }
        return this;
    }

    /** Initial members. */
    public PoolBuilder servers(Iterable<Server> list) {
        Checks.notNull("servers", list);
        for (Server s : list) {
            server(s);
        }
        return this;
    }

    /** Whether the pool schedules its active checks (default true); false for tests, see {@code PoolInternals}. */
    PoolBuilder scheduleHealthChecks(boolean schedule) {
        this.scheduleHealthChecks = schedule;
        return this;
    }

    /** @throws IllegalArgumentException when the strategy is missing */
    public LoadBalancingPool build() {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must be set for pool '" + name + "'");
        }
        return new LoadBalancingPool(this);
    }
}
