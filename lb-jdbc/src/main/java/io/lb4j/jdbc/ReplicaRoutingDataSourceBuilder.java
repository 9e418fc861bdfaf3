package io.lb4j.jdbc;

import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.PassiveHealth;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a {@link ReplicaRoutingDataSource}; {@link ReplicaRoutingDataSource#builder()} makes one. Every setter
 * validates at once and names the property.
 *
 * <p>Not thread-safe.
 */
public final class ReplicaRoutingDataSourceBuilder {
    String name = "lb4j-jdbc";
    Server primaryServer;
    DataSource primaryDataSource;
    final Map<Server, DataSource> replicas = new LinkedHashMap<>();
    Strategy strategy;
    Duration maxLag = ReplicaRoutingDataSource.DEFAULT_MAX_LAG;
    boolean replicationCheck = true;
    boolean readFromPrimaryWhenNoReplicas = true;
    ReadYourWrites readYourWrites = ReadYourWrites.off();
    Duration checkInterval = ReplicaRoutingDataSource.DEFAULT_CHECK_INTERVAL;
    Duration checkTimeout = ReplicaRoutingDataSource.DEFAULT_CHECK_TIMEOUT;
    int rise = ActiveHealth.DEFAULT_RISE;
    int fall = ActiveHealth.DEFAULT_FALL;
    PassiveHealth passiveHealth = PassiveHealth.ofDefaults();
    int maxEjectionPercent = 100;
    boolean scheduleHealthChecks = true;
    Ticker ticker = Ticker.system();
    boolean retainPhysicalConnections;
    boolean failover = true;
    ReadsWhenPrimaryDown readsWhenPrimaryDown = ReadsWhenPrimaryDown.SERVE_STALE;

    ReplicaRoutingDataSourceBuilder() {
    }

    static Server displayServer(String nodeName) {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("node name must not be blank, was " + (nodeName == null ? null : "'" + nodeName + "'"));
        }
        // the name is free text and only the id; the host must be a DNS name (RFC 6761 reserves .invalid)
        return Server.builder(io.lb4j.api.HostNames.isDnsName(nodeName) ? nodeName : "node.invalid", 3306).id(nodeName).build();
    }

    /** The name used in logs and pool names (default {@code lb4j-jdbc}). */
    public ReplicaRoutingDataSourceBuilder name(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was " + name);
        }
        this.name = name;
        return this;
    }

    /** The primary, named {@code primary}. */
    public ReplicaRoutingDataSourceBuilder primary(DataSource dataSource) {
        return primary(displayServer("primary"), dataSource);
    }

    /** The primary, with its name ({@code server.id()}) and address for display. */
    public ReplicaRoutingDataSourceBuilder primary(Server server, DataSource dataSource) {
        checkArg("primary server", server);
        checkArg("primary dataSource", dataSource);
        this.primaryServer = server;
        this.primaryDataSource = dataSource;
        return this;
    }

    /** A replica named {@code name} (also its pool id). */
    public ReplicaRoutingDataSourceBuilder replica(String replicaName, DataSource dataSource) {
        return replica(displayServer(replicaName), dataSource);
    }

    /** A replica; {@code server.id()} is its name, host/port are for display, weight counts for weighted strategies. */
    public ReplicaRoutingDataSourceBuilder replica(Server server, DataSource dataSource) {
        checkArg("replica server", server);
        checkArg("replica dataSource", dataSource);
        for (Server s : replicas.keySet()) {
            if (s.id().equals(server.id())) {
                throw new IllegalArgumentException("replica '" + server.id() + "' is configured twice");
            }
        }
        replicas.put(server, dataSource);
        return this;
    }

    /**
     * The balancing strategy over the replicas (one instance per data source). Required. Key-based
     * strategies (destination-hash, source-hash, lblc, lblcr) are refused: JDBC reads have no key.
     */
    public ReplicaRoutingDataSourceBuilder strategy(Strategy strategy) {
        checkArg("strategy", strategy);
        Strategies4Jdbc.checkNotKeyBased(strategy);
        this.strategy = strategy;
        return this;
    }

    /** The largest acceptable replication lag, 0 to 1 day (whole seconds count); null for no limit. Default 30 s. */
    public ReplicaRoutingDataSourceBuilder maxLag(Duration maxLag) {
        if (maxLag != null && (maxLag.isNegative() || maxLag.compareTo(Duration.ofDays(1)) > 0)) {
            throw new IllegalArgumentException("maxLag must be in [0, 1d] or null (no limit), was " + maxLag);
        }
        this.maxLag = maxLag;
        return this;
    }

    /** Whether the probe checks replication threads and lag (default true); false probes {@code SELECT 1} only. */
    public ReplicaRoutingDataSourceBuilder replicationCheck(boolean check) {
        this.replicationCheck = check;
        return this;
    }

    /** Whether reads go to the primary when no replica is eligible (default true); false fails them. */
    public ReplicaRoutingDataSourceBuilder readFromPrimaryWhenNoReplicas(boolean value) {
        this.readFromPrimaryWhenNoReplicas = value;
        return this;
    }

    /** Read-your-writes consistency (default off). */
    public ReplicaRoutingDataSourceBuilder readYourWrites(ReadYourWrites value) {
        checkArg("readYourWrites", value);
        this.readYourWrites = value;
        return this;
    }

    /** Health probe interval, 1 ms to 1 day; default 2 s. */
    public ReplicaRoutingDataSourceBuilder checkInterval(Duration interval) {
        ActiveHealth.custom((s, t) -> null).interval(interval);
        this.checkInterval = interval;
        return this;
    }

    /** Health probe timeout, 1 ms to 1 hour; default 1 s. */
    public ReplicaRoutingDataSourceBuilder checkTimeout(Duration timeout) {
        ActiveHealth.custom((s, t) -> null).timeout(timeout);
        this.checkTimeout = timeout;
        return this;
    }

    /** Passed probes that restore a node, 1 to 1000; default 2. */
    public ReplicaRoutingDataSourceBuilder rise(int rise) {
        ActiveHealth.custom((s, t) -> null).rise(rise);
        this.rise = rise;
        return this;
    }

    /** Failed probes that eject a node, 1 to 1000; default 3. */
    public ReplicaRoutingDataSourceBuilder fall(int fall) {
        ActiveHealth.custom((s, t) -> null).fall(fall);
        this.fall = fall;
        return this;
    }

    /** Passive health for replicas (default nginx {@code max_fails=1 fail_timeout=10s}). */
    public ReplicaRoutingDataSourceBuilder passiveHealth(PassiveHealth passive) {
        checkArg("passiveHealth", passive);
        this.passiveHealth = passive;
        return this;
    }

    /** The largest share of replicas health checking may eject, 0 to 100; default 100 (reads fall back to the primary). */
    public ReplicaRoutingDataSourceBuilder maxEjectionPercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("maxEjectionPercent must be in [0, 100], was " + percent);
        }
        this.maxEjectionPercent = percent;
        return this;
    }

    /**
     * Whether the routing discovers the primary by probing every node's role (default true): writes follow
     * a promoted replica, and two writable nodes are refused as split brain (see {@link Topology}'s rules
     * in the README). False keeps writes on the configured primary (or the one {@link ReplicaRoutingDataSource#setPrimary} names).
     */
    public ReplicaRoutingDataSourceBuilder failover(boolean value) {
        this.failover = value;
        return this;
    }

    /**
     * What reads do while the primary is down and a replica's IO thread only reconnects (default
     * {@link ReadsWhenPrimaryDown#SERVE_STALE}: the replicas keep serving what they applied).
     */
    public ReplicaRoutingDataSourceBuilder readsWhenPrimaryDown(ReadsWhenPrimaryDown value) {
        checkArg("readsWhenPrimaryDown", value);
        this.readsWhenPrimaryDown = value;
        return this;
    }

    /**
     * Whether probes run on a schedule (default true); false runs them only on
     * {@link ReplicaRoutingDataSource#checkHealthNow()}. Not API: tests reach it through
     * {@link io.lb4j.jdbc.internal.JdbcInternals#manualHealthChecks}.
     */
    ReplicaRoutingDataSourceBuilder scheduleHealthChecks(boolean schedule) {
        this.scheduleHealthChecks = schedule;
        return this;
    }

    /** The clock for leases, health and read-your-writes windows; default {@link Ticker#system()}. */
    public ReplicaRoutingDataSourceBuilder ticker(Ticker ticker) {
        checkArg("ticker", ticker);
        this.ticker = ticker;
        return this;
    }

    /**
     * Whether a logical connection keeps the physical connections it used open (one per node) and reuses
     * them, instead of closing them when it switches away. For node data sources that do not pool
     * (DriverManager); the lease is still completed at each switch.
     */
    ReplicaRoutingDataSourceBuilder retainPhysicalConnections(boolean retain) {
        this.retainPhysicalConnections = retain;
        return this;
    }

    /** @throws IllegalArgumentException when the primary or the strategy is missing */
    public ReplicaRoutingDataSource build() {
        if (primaryDataSource == null) {
            throw new IllegalArgumentException("primary must be set for '" + name + "'");
        }
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must be set for '" + name + "'");
        }
        for (Server s : replicas.keySet()) {
            if (s.id().equals(primaryServer.id())) {
                throw new IllegalArgumentException("replica '" + s.id() + "' has the primary's name");
            }
        }
        return new ReplicaRoutingDataSource(this);
    }

    private static void checkArg(String what, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
    }
}
