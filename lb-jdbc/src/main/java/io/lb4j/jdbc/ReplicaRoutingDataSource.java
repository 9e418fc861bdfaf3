package io.lb4j.jdbc;

import io.lb4j.api.EndpointStats;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link DataSource} that sends read-write work to a primary and read-only work to replicas chosen by
 * an lb4j {@link Strategy}, with the semantics of MySQL Connector/J's replication connection, so that
 * Spring's {@code @Transactional(readOnly = true)} reads from replicas:
 * <ul>
 *   <li>A connection starts read-write and talks to the primary. {@code setReadOnly(true)} outside a
 *       transaction moves it to a replica picked by the strategy; it stays there until
 *       {@code setReadOnly(false)}, or until a read-only transaction ({@code autoCommit=false}) ends, after
 *       which the next read-only work is balanced again. Inside a transaction it never switches node: a
 *       {@code setReadOnly} call there takes effect when the transaction ends. Auto-commit, isolation,
 *       catalog, schema, holdability and read-only state carry across a switch.</li>
 *   <li>Physical connections are obtained lazily from the node's own {@code DataSource} (typically one
 *       HikariCP pool per node, owned by the caller) the first time a node is needed. Each checkout is one
 *       lb4j lease, completed when the physical connection is given back, so least-connections sees real
 *       load and peak-EWMA sees the time the node spent (connect plus statements). A connection failure
 *       (SQLSTATE 08*, a failed connect) on a node counts against it (passive health).</li>
 *   <li>Replicas are an lb4j {@link LoadBalancingPool} with passive health and an active
 *       {@link JdbcHealthCheck} ({@code SELECT 1} plus {@code SHOW REPLICA STATUS}): a replica whose
 *       replication threads stop, or whose lag exceeds {@code maxLag}, is ineligible until it recovers
 *       (the pool's rise/fall). A replica that fails to connect is skipped and another one tried at once,
 *       so callers do not see the failure.</li>
 *   <li>With no eligible replica, reads go to the primary ({@link ReplicaRoutingDataSourceBuilder#readFromPrimaryWhenNoReplicas})
 *       or fail with an {@link SQLException} saying why. With the primary down, read-only work continues on
 *       the replicas (a replica whose IO thread only reconnects stays readable, see
 *       {@link ReadsWhenPrimaryDown}) and read-write work fails with an {@link SQLException} naming the
 *       primary's host and port.</li>
 *   <li>Who is primary is the {@link Topology}'s to say ({@link ReplicaRoutingDataSourceBuilder#failover}, default on): every node's
 *       role is probed, writes follow a replica promoted while the primary is unreachable or read-only when it
 *       is the only writable node that does not replicate, and two such nodes are split brain: writes fail
 *       with an {@link SQLException} saying so. {@link #setPrimary(String)} switches by hand.</li>
 *   <li>Operations: {@link #stats()}, {@link #byName(String)} and a JMX bean per routing ({@link RoutingMXBean}).</li>
 *   <li>Optional {@link ReadYourWrites} (GTID wait or time window).</li>
 * </ul>
 *
 * <p>The nodes' data sources belong to the caller: {@link #close()} stops health and role checking,
 * unregisters the JMX bean and closes no node data source. Passwords are never part of this class's logs, messages or {@code toString()}.
 *
 * <p>Thread-safe; the connections it hands out are, like JDBC connections, for one thread at a time.
 */
public final class ReplicaRoutingDataSource extends DataSourceDefaults implements DataSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaRoutingDataSource.class);

    /** Default largest acceptable replication lag: 30 seconds. */
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(30);
    /** Default health probe interval: 2 seconds (HAProxy {@code inter}). */
    public static final Duration DEFAULT_CHECK_INTERVAL = ActiveHealth.DEFAULT_INTERVAL;
    /** Default health probe timeout: 1 second. */
    public static final Duration DEFAULT_CHECK_TIMEOUT = ActiveHealth.DEFAULT_TIMEOUT;

    final String name;
    /** Every node, primary and replicas, by name (a promoted replica stays here, as does a demoted primary). */
    final Map<String, Node> nodes = new ConcurrentHashMap<>();
    final LoadBalancingPool primaryPool;
    final LoadBalancingPool replicaPool;
    final JdbcHealthCheck replicaCheck;
    final Topology topology;
    final boolean readFromPrimaryWhenNoReplicas;
    private final List<io.lb4j.api.HealthListener> listeners = new CopyOnWriteArrayList<>();
    private final RoutingMBean mbean;
    final ReadYourWrites readYourWrites;
    final Ticker ticker;
    final boolean retainPhysicalConnections;
    final ReadYourWritesShared readYourWritesShared;
    private volatile boolean closed;

    static {
        InternalsBridge.install();
    }

    ReplicaRoutingDataSource(ReplicaRoutingDataSourceBuilder b) {
        this.name = b.name;
        this.readFromPrimaryWhenNoReplicas = b.readFromPrimaryWhenNoReplicas;
        this.readYourWrites = b.readYourWrites;
        this.ticker = b.ticker;
        this.readYourWritesShared = new ReadYourWritesShared(name);
        this.retainPhysicalConnections = b.retainPhysicalConnections;
        Node primary = new Node(b.primaryServer, b.primaryDataSource);
        nodes.put(primary.name(), primary);
        for (Map.Entry<Server, DataSource> e : b.replicas.entrySet()) {
            nodes.put(e.getKey().id(), new Node(e.getKey(), e.getValue()));
        }
        JdbcHealthCheck primaryCheck = new JdbcHealthCheck(name, this::dataSourceOf, false, null);
        this.topology = new Topology(this, primary, b.failover, b.checkInterval, b.checkTimeout, b.scheduleHealthChecks);
        this.replicaCheck = new JdbcHealthCheck(name, this::dataSourceOf, b.replicationCheck, b.maxLag, ticker,
                topology::primaryDown, b.readsWhenPrimaryDown);
        this.primaryPool = RoutingPools.primary(b, primaryCheck);
        this.replicaPool = RoutingPools.replicas(b, replicaCheck);
        topology.start();
        this.mbean = RoutingMBean.register(this);
        log.info("{}: routing to primary {} and {} replicas {} with {}, maxLag={}, readFromPrimaryWhenNoReplicas={}, {},"
                        + " failover={}, readsWhenPrimaryDown={}",
                name, primary.server.address(), b.replicas.size(), b.replicas.keySet().stream().map(Server::id).toList(),
                b.strategy.name(), b.maxLag, readFromPrimaryWhenNoReplicas, readYourWrites, b.failover, b.readsWhenPrimaryDown);
    }

    private DataSource dataSourceOf(String id) {
        Node n = nodes.get(id);
        return n == null ? null : n.dataSource;
    }

    /**
     * A builder; {@link ReplicaRoutingDataSourceBuilder#primary(DataSource)} and
     * {@link ReplicaRoutingDataSourceBuilder#strategy(Strategy)} are required.
     */
    public static ReplicaRoutingDataSourceBuilder builder() {
        return new ReplicaRoutingDataSourceBuilder();
    }

    // ------------------------------------------------------------------ DataSource

    /**
     * A new logical connection. No physical connection is opened until the first statement (or a call
     * that needs one), so this does not fail when a node is down.
     *
     * @throws SQLException (08003) when this data source is closed
     */
    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("data source '" + name + "' is closed", "08003");
        }
        return new RoutingConnection(this);
    }

    /** Not supported: credentials belong to each node's data source. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("getConnection(user, password) is not supported by '" + name
                + "': credentials are configured on each node's data source");
    }

    // ------------------------------------------------------------------ operations

    /**
     * The open routing named {@code name} ({@code lb.name} for a {@code jdbc:lb:} URL, {@link ReplicaRoutingDataSourceBuilder#name} otherwise),
     * without credentials: what a HikariCP pool over a {@code jdbc:lb:} URL routes through. The same routing is
     * on the platform MBean server as {@code io.lb4j.jdbc:type=Routing,name="<name>"} ({@link RoutingMXBean}).
     */
    public static Optional<ReplicaRoutingDataSource> byName(String name) {
        return RoutingMBean.byName(name);
    }

    /** The name used in logs and pool names. */
    public String name() {
        return name;
    }

    /**
     * A read-only view of the replicas' pool (members, health states, counters, what is eligible). Change the
     * replicas through this data source ({@link #addReplica}, {@link #removeReplica}, {@link #drainReplica}).
     */
    public PoolView replicaPool() {
        return PoolView.of(replicaPool);
    }

    /** A read-only view of the primary's single-member pool (health state, counters). */
    public PoolView primaryPool() {
        return PoolView.of(primaryPool);
    }

    /**
     * Runs one round of role probes (primary discovery, split brain) and of health probes on every node now
     * and applies the results (failover, rise/fall). Not API: tests reach it through
     * {@link io.lb4j.jdbc.internal.JdbcInternals}.
     */
    void checkHealthNow() {
        topology.probeNow();
        RoutingPools.checkHealthNow(primaryPool);
        RoutingPools.checkHealthNow(replicaPool);
    }

    /** Adds a replica at runtime under {@code server.id()}; it takes reads at once. */
    public void addReplica(Server server, DataSource dataSource) {
        checkArg("server", server);
        checkArg("dataSource", dataSource);
        if (nodes.putIfAbsent(server.id(), new Node(server, dataSource)) != null) {
            throw new IllegalArgumentException("'" + name + "' already has a node named '" + server.id() + "'");
        }
        try {
            replicaPool.add(server);
        } catch (RuntimeException e) {
            nodes.remove(server.id());
            throw e;
        }
    }

    /** Adds a replica named {@code name} (host {@code name}, port 3306 for display). */
    public void addReplica(String replicaName, DataSource dataSource) {
        addReplica(ReplicaRoutingDataSourceBuilder.displayServer(replicaName), dataSource);
    }

    /**
     * Removes a replica: no new read goes to it; connections already on it finish their work.
     *
     * @return whether it was a member
     */
    public boolean removeReplica(String replicaName) {
        checkArg("replicaName", replicaName);
        if (replicaName.equals(primaryName())) {
            throw new IllegalArgumentException("'" + replicaName + "' is the primary of '" + name + "' and cannot be removed;"
                    + " move the primary first (setPrimary)");
        }
        boolean was = replicaPool.remove(replicaName);
        nodes.remove(replicaName);
        return was;
    }

    /** The name of the node writes go to now. */
    public String primaryName() {
        return topology.view().primary().name();
    }

    /**
     * A manual switchover: writes go to the node named {@code nodeName} from now on (a configured replica,
     * or the old primary), which leaves the replicas' pool; the previous primary takes reads again once it
     * replicates. Connections already on the previous primary finish their transaction there. With
     * {@code failover} on, the role probes keep applying their rules afterwards: a read-only or unreachable
     * target with exactly one other writable node moves on to that node, and two writable nodes are split brain.
     *
     * @throws IllegalArgumentException when no node has that name
     */
    public void setPrimary(String nodeName) {
        checkArg("nodeName", nodeName);
        topology.setPrimary(nodeName, "switchover requested by setPrimary");
    }

    /**
     * The split-brain message when two or more nodes are writable and not replicating (writes are refused
     * then), or null.
     */
    public String splitBrain() {
        return topology.view().splitBrain();
    }

    /** Stops new reads on a replica; the future completes when no connection is checked out from it. */
    public CompletableFuture<Void> drainReplica(String replicaName) {
        checkArg("replicaName", replicaName);
        return replicaPool.drain(replicaName);
    }

    /** Puts a drained or marked-down replica back. */
    public void undrainReplica(String replicaName) {
        checkArg("replicaName", replicaName);
        replicaPool.markUp(replicaName);
    }

    /** The replicas' names, in the pool's order. */
    public List<String> replicaNames() {
        List<String> names = new ArrayList<>();
        for (Server s : replicaPool.servers()) {
            names.add(s.id());
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Every node's counters: the primary first, then the replicas in pool order. A node in neither pool (a
     * dead old primary after a failover) is not listed until it replicates again.
     */
    public List<NodeStats> stats() {
        List<NodeStats> list = new ArrayList<>();
        String primaryName = primaryName();
        for (EndpointStats s : primaryPool.stats()) {
            if (s.server().id().equals(primaryName)) {
                list.add(toStats(s, NodeStats.Role.PRIMARY, -1));
            }
        }
        for (EndpointStats s : replicaPool.stats()) {
            list.add(toStats(s, NodeStats.Role.REPLICA, replicaCheck.lagSeconds(s.server().id())));
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * One node's counters, by name (the primary's name or a replica's).
     *
     * @throws IllegalArgumentException when the node is not in the primary's nor in the replicas' pool
     */
    public NodeStats stats(String nodeName) {
        checkArg("nodeName", nodeName);
        if (nodeName.equals(primaryName()) && primaryPool.server(nodeName).isPresent()) {
            return toStats(primaryPool.stats(nodeName), NodeStats.Role.PRIMARY, -1);
        }
        return toStats(replicaPool.stats(nodeName), NodeStats.Role.REPLICA, replicaCheck.lagSeconds(nodeName));
    }

    private NodeStats toStats(EndpointStats s, NodeStats.Role role, long lag) {
        NodeRole r = topology.role(s.server().id());
        return new NodeStats(s.server().id(), role, s.server().address(), s.state(), s.picks(), s.inFlight(),
                s.successes(), s.failures(), s.latencyNanos(), lag, r == null ? "not probed" : r.roleName());
    }

    /** Registers a listener for the replicas' health and membership events (the primary's too). */
    public void addListener(io.lb4j.api.HealthListener listener) {
        checkArg("listener", listener);
        replicaPool.addListener(listener);
        primaryPool.addListener(listener);
        listeners.add(listener);
    }

    /** Tells the listeners about a primary move (a listener that throws is logged and skipped). */
    void fire(io.lb4j.api.HealthEvent event) {
        for (io.lb4j.api.HealthListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("{}: listener {} failed on {}", name, l, event, e);
            }
        }
    }

    /** Stops health checking. Node data sources are the caller's and are not closed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RoutingMBean.unregister(mbean);
        topology.close();
        replicaPool.close();
        primaryPool.close();
        log.info("{}: closed", name);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "ReplicaRoutingDataSource[" + name + ", primary " + topology.view().primary().server.address() + ", replicas "
                + replicaNames() + ", " + replicaPool.strategy().name() + ", " + readYourWrites + "]";
    }

    private static void checkArg(String what, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
    }

    /** The node named {@code id} (primary or replica), or null. */
    Node node(String id) {
        return nodes.get(id);
    }
}
