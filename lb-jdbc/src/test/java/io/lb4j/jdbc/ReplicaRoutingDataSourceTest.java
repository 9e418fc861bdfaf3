package io.lb4j.jdbc;

import com.mysql.cj.jdbc.JdbcConnection;
import com.zaxxer.hikari.HikariDataSource;
import io.lb4j.algorithms.WeightedLeastConnections;
import io.lb4j.algorithms.WeightedRoundRobin;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.jdbc.internal.JdbcInternals;
import io.lb4j.pool.PassiveHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.lb4j.jdbc.Cluster.PRIMARY_ID;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA2_PORT;
import static io.lb4j.jdbc.Cluster.serverId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ReplicaRoutingDataSource} against the real MariaDB cluster (primary server_id 1, replicas 2 and 3),
 * one HikariCP pool per node as a user would configure it. Failures are real: a replica or the primary is
 * reached through a loopback {@link TcpProxy} that the test closes, replication is stopped or delayed on a
 * replica (restored after each test). Health probes run on {@code JdbcInternals.checkHealthNow}, never on a schedule.
 */
class ReplicaRoutingDataSourceTest {
    private static final int REPLICA1_ID = 2;
    private static final int REPLICA2_ID = 3;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private boolean touchedReplication;
    private ReplicaRoutingDataSource ds;

    @BeforeEach
    void setUp() throws Exception {
        Cluster.require();
        Cluster.execute(PRIMARY_PORT, "CREATE TABLE IF NOT EXISTS ryw (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL)");
        Cluster.awaitHealthyReplication();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ds != null) {
            ds.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        if (touchedReplication) {
            Cluster.restoreReplication(REPLICA1_PORT);
            Cluster.restoreReplication(REPLICA2_PORT);
            Cluster.awaitHealthyReplication(3);
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    private HikariDataSource pool(String name, int port) {
        return own(Cluster.pool(name, port));
    }

    /** Primary and both replicas through Hikari pools, rotation, probes by hand with rise = fall = 1. */
    private ReplicaRoutingDataSourceBuilder routing(int primaryPort, int replica1Port, int replica2Port) {
        return JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder())
                .name("test")
                .primary(Server.builder(Cluster.HOST, primaryPort).id("primary").build(), pool("primary", primaryPort))
                .replica(Server.builder(Cluster.HOST, replica1Port).id("replica1").build(), pool("replica1", replica1Port))
                .replica(Server.builder(Cluster.HOST, replica2Port).id("replica2").build(), pool("replica2", replica2Port))
                .strategy(new Rotation())
                .checkTimeout(Duration.ofSeconds(2))
                .rise(1)
                .fall(1);
    }

    private ReplicaRoutingDataSourceBuilder routing() {
        return routing(PRIMARY_PORT, REPLICA1_PORT, REPLICA2_PORT);
    }

    private long readOnlyServerId() throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            return serverId(c);
        }
    }

    private Map<Long, Integer> readOnlyServerIds(int reads) throws SQLException {
        Map<Long, Integer> counts = new TreeMap<>();
        for (int i = 0; i < reads; i++) {
            counts.merge(readOnlyServerId(), 1, Integer::sum);
        }
        return counts;
    }

    private static String insert(Connection c) throws SQLException {
        String v = UUID.randomUUID().toString();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ryw (v) VALUES (?)")) {
            ps.setString(1, v);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        return v;
    }

    private static boolean sees(Connection c, String v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ryw WHERE v = ?")) {
            ps.setString(1, v);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Probes until {@code done} holds, at most {@code timeout}; probes are the only pacing (200 ms apart). */
    private void probeUntil(BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JdbcInternals.checkHealthNow(ds);
            if (done.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what + "; stats " + ds.stats());
            }
            Thread.sleep(200);
        }
    }

    // ------------------------------------------------------------------ routing

    @Test
    void readWriteWorkGoesToThePrimary() throws SQLException {
        ds = routing().build();
        try (Connection c = ds.getConnection()) {
            assertThat(c.isReadOnly()).isFalse();
            insert(c);
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
        }
        assertThat(ds.stats("primary").picks()).isEqualTo(1);
        assertThat(ds.stats("replica1").picks() + ds.stats("replica2").picks()).isZero();
    }

    @Test
    void readOnlyConnectionsAreSpreadOverTheReplicasAsTheStrategySays() throws SQLException {
        ds = routing().build();
        // rotation over two replicas: exactly half each, none on the primary
        assertThat(readOnlyServerIds(100)).containsExactly(Map.entry((long) REPLICA1_ID, 50), Map.entry((long) REPLICA2_ID, 50));
        assertThat(ds.stats("primary").picks()).isZero();
        assertThat(ds.stats("replica1").picks()).isEqualTo(50);
        assertThat(ds.stats("replica2").picks()).isEqualTo(50);
    }

    @Test
    void weightedReplicasGetReadsInProportionToTheirWeights() throws SQLException {
        ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder())
                .primary(pool("primary", PRIMARY_PORT))
                .replica(Server.builder(Cluster.HOST, REPLICA1_PORT).id("replica1").weight(3).build(), pool("replica1", REPLICA1_PORT))
                .replica(Server.builder(Cluster.HOST, REPLICA2_PORT).id("replica2").weight(1).build(), pool("replica2", REPLICA2_PORT))
                .strategy(new WeightedRoundRobin())
                .build();
        // nginx smooth weighted round robin 3:1: every 4 picks are 3 and 1, so exactly 75 and 25 of 100
        assertThat(readOnlyServerIds(100)).containsExactly(Map.entry((long) REPLICA1_ID, 75), Map.entry((long) REPLICA2_ID, 25));
    }

    @Test
    void leastConnectionsSeesConnectionsHeldOnEachReplica() throws SQLException {
        ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder())
                .primary(pool("primary", PRIMARY_PORT))
                .replica(Server.builder(Cluster.HOST, REPLICA1_PORT).id("replica1").weight(3).build(), pool("replica1", REPLICA1_PORT))
                .replica(Server.builder(Cluster.HOST, REPLICA2_PORT).id("replica2").weight(1).build(), pool("replica2", REPLICA2_PORT))
                .strategy(new WeightedLeastConnections())
                .build();
        List<Connection> held = new ArrayList<>();
        Map<Long, Integer> counts = new TreeMap<>();
        try {
            for (int i = 0; i < 8; i++) { // each holds its replica connection: in-flight until closed
                Connection c = ds.getConnection();
                held.add(c);
                c.setReadOnly(true);
                counts.merge(serverId(c), 1, Integer::sum);
            }
            // weighted least connections keeps in-flight/weight level: 8 held connections split 6:2
            assertThat(counts).containsExactly(Map.entry((long) REPLICA1_ID, 6), Map.entry((long) REPLICA2_ID, 2));
            assertThat(ds.stats("replica1").inFlight()).isEqualTo(6);
            assertThat(ds.stats("replica2").inFlight()).isEqualTo(2);
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        assertThat(ds.stats("replica1").inFlight() + ds.stats("replica2").inFlight()).isZero();
    }

    @Test
    void readOnlyTransactionNeverSwitchesNodeBeforeItEnds() throws SQLException {
        ds = routing().build();
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            long replica = serverId(c);
            assertThat(replica).isIn((long) REPLICA1_ID, (long) REPLICA2_ID);
            c.setReadOnly(false); // inside the transaction: deferred
            assertThat(c.isReadOnly()).isFalse();
            assertThat(serverId(c)).isEqualTo(replica);
            c.commit();
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
            c.commit();
        }
    }

    @Test
    void springReadOnlyTransactionSequenceReadsFromAReplicaAndResetsToThePrimary() throws SQLException {
        ds = routing().build();
        try (Connection c = ds.getConnection()) {
            // DataSourceTransactionManager.doBegin with readOnly = true and an isolation level
            c.setReadOnly(true);
            int previousIsolation = c.getTransactionIsolation();
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            if (c.getAutoCommit()) {
                c.setAutoCommit(false);
            }
            assertThat(serverId(c)).isIn((long) REPLICA1_ID, (long) REPLICA2_ID);
            c.commit();
            // doCleanupAfterCompletion
            c.setAutoCommit(true);
            c.setTransactionIsolation(previousIsolation);
            c.setReadOnly(false);
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
        }
        assertThat(ds.stats()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }

    @Test
    void eachReadOnlyTransactionIsBalancedAgain() throws SQLException {
        ds = routing().build();
        List<Long> ids = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            for (int i = 0; i < 4; i++) {
                ids.add(serverId(c));
                ids.add(serverId(c));
                c.commit();
            }
        }
        assertThat(ids).containsExactly(2L, 2L, 3L, 3L, 2L, 2L, 3L, 3L);
    }

    @Test
    void sessionStateCarriesAcrossASwitchToAReplica() throws SQLException {
        ds = routing().build();
        try (Connection c = ds.getConnection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setCatalog("information_schema");
            assertThat(queryString(c, "SELECT @@session.tx_isolation")).isEqualTo("READ-COMMITTED");
            c.setReadOnly(true);
            c.setAutoCommit(false);
            assertThat(serverId(c)).isIn((long) REPLICA1_ID, (long) REPLICA2_ID);
            assertThat(queryString(c, "SELECT @@session.tx_isolation")).isEqualTo("READ-COMMITTED");
            assertThat(queryString(c, "SELECT @@session.autocommit")).isEqualTo("0");
            // Connector/J sees MariaDB as "5.5.5-..." and keeps read-only client-side; the physical connection has it
            assertThat(c.unwrap(JdbcConnection.class).isReadOnly()).isTrue();
            assertThat(queryString(c, "SELECT DATABASE()")).isEqualTo("information_schema");
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(c.getAutoCommit()).isFalse();
            c.commit();
        }
    }

    @Test
    void eachPhysicalCheckoutIsALeaseCompletedWhenItIsGivenBack() throws SQLException {
        ds = routing().build();
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            assertThat(ds.stats("replica1").inFlight()).isZero(); // lazily: nothing checked out yet
            serverId(c);
            assertThat(ds.stats("replica1").inFlight()).isEqualTo(1);
        }
        NodeStats s = ds.stats("replica1");
        assertThat(s.inFlight()).isZero();
        assertThat(s.picks()).isEqualTo(1);
        assertThat(s.successes()).isEqualTo(1);
        assertThat(s.latencyNanos()).isPositive();
    }

    // ------------------------------------------------------------------ failures

    @Test
    void replicaLostMidTestIsEjectedAndReadsContinueWithoutFailure() throws Exception {
        TcpProxy proxy = own(new TcpProxy(REPLICA1_PORT));
        ds = routing(PRIMARY_PORT, proxy.port(), REPLICA2_PORT).build();
        assertThat(readOnlyServerIds(20)).containsOnlyKeys((long) REPLICA1_ID, (long) REPLICA2_ID);
        proxy.close(); // replica1 is gone: listener closed, connections reset
        Map<Long, Integer> after = readOnlyServerIds(60); // throws on any failed read
        assertThat(after.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(60);
        assertThat(after).containsOnlyKeys((long) REPLICA2_ID);
        assertThat(ds.stats("replica1").failures()).isGreaterThanOrEqualTo(1);
        assertThat(ds.stats("replica1").state()).isEqualTo(HealthState.EJECTED);
        JdbcInternals.checkHealthNow(ds);
        assertThat(ds.stats("replica1").state()).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void exhaustedNodePoolSpillsToAnotherReplicaWithoutEjectingIt() throws Exception {
        ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder())
                .primary(pool("primary", PRIMARY_PORT))
                .replica(Server.builder(Cluster.HOST, REPLICA1_PORT).id("replica1").build(), own(Cluster.pool("replica1", REPLICA1_PORT, 1)))
                .replica(Server.builder(Cluster.HOST, REPLICA2_PORT).id("replica2").build(), pool("replica2", REPLICA2_PORT))
                .strategy(new Rotation())
                .build();
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection(); Connection c = ds.getConnection()) {
            a.setReadOnly(true);
            b.setReadOnly(true);
            c.setReadOnly(true);
            assertThat(serverId(a)).isEqualTo(REPLICA1_ID); // holds replica1's only pooled connection
            assertThat(serverId(b)).isEqualTo(REPLICA2_ID);
            assertThat(serverId(c)).isEqualTo(REPLICA2_ID); // replica1's pool timed out: the read moved on
        }
        NodeStats r1 = ds.stats("replica1");
        assertThat(r1.state()).isEqualTo(HealthState.UP);
        assertThat(r1.failures()).isZero();
        assertThat(ds.replicaPool().stats("replica1").drops()).isEqualTo(1);
    }

    @Test
    void connectionFailureOnAStatementCountsAgainstItsReplica() throws Exception {
        TcpProxy proxy = own(new TcpProxy(REPLICA1_PORT));
        ds = routing(PRIMARY_PORT, proxy.port(), REPLICA2_PORT).passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(30))).build();
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            assertThat(serverId(c)).isEqualTo(REPLICA1_ID); // the rotation starts with replica1
            proxy.close();
            assertThatThrownBy(() -> serverId(c)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
            assertThat(ds.stats("replica1").failures()).isEqualTo(1);
            assertThat(ds.stats("replica1").state()).isEqualTo(HealthState.EJECTED);
            assertThat(serverId(c)).isEqualTo(REPLICA2_ID); // the broken connection was given back; the next read re-picks
        }
    }

    @Test
    void replicaWhoseReplicationStopsIsIneligibleUntilItRestarts() throws Exception {
        touchedReplication = true;
        ds = routing().build();
        Cluster.execute(REPLICA2_PORT, "STOP SLAVE");
        JdbcInternals.checkHealthNow(ds);
        assertThat(ds.stats("replica2").state()).isEqualTo(HealthState.EJECTED);
        assertThat(ds.stats("replica2").lagSeconds()).isEqualTo(-1);
        assertThat(readOnlyServerIds(10)).containsExactly(Map.entry((long) REPLICA1_ID, 10));
        Cluster.execute(REPLICA2_PORT, "START SLAVE");
        probeUntil(() -> ds.stats("replica2").state() == HealthState.UP, Duration.ofSeconds(10), "replica2 back after START SLAVE");
        assertThat(readOnlyServerIds(10)).containsOnlyKeys((long) REPLICA1_ID, (long) REPLICA2_ID);
    }

    @Test
    void laggingReplicaIsExcludedBeyondMaxLagAndReadmittedWhenItCatchesUp() throws Exception {
        touchedReplication = true;
        ds = routing().maxLag(Duration.ofSeconds(1)).build();
        JdbcInternals.checkHealthNow(ds);
        assertThat(ds.stats("replica2").state()).isEqualTo(HealthState.UP);
        assertThat(ds.stats("replica2").lagSeconds()).isZero();
        Cluster.delayReplication(REPLICA2_PORT, 4);
        try (Connection c = ds.getConnection()) {
            insert(c);
        }
        probeUntil(() -> ds.stats("replica2").state() == HealthState.EJECTED && ds.stats("replica2").lagSeconds() > 1,
                Duration.ofSeconds(10), "replica2 lagging beyond 1s");
        assertThat(ds.stats("replica2").lagSeconds()).isGreaterThan(1);
        assertThat(readOnlyServerIds(10)).containsExactly(Map.entry((long) REPLICA1_ID, 10));
        probeUntil(() -> ds.stats("replica2").state() == HealthState.UP, Duration.ofSeconds(15), "replica2 caught up");
        assertThat(ds.stats("replica2").lagSeconds()).isLessThanOrEqualTo(1);
        assertThat(readOnlyServerIds(10)).containsOnlyKeys((long) REPLICA1_ID, (long) REPLICA2_ID);
    }

    @Test
    void allReplicasDownSendsReadsToThePrimary() throws Exception {
        TcpProxy p1 = own(new TcpProxy(REPLICA1_PORT));
        TcpProxy p2 = own(new TcpProxy(REPLICA2_PORT));
        ds = routing(PRIMARY_PORT, p1.port(), p2.port()).build();
        p1.close();
        p2.close();
        assertThat(readOnlyServerIds(10)).containsExactly(Map.entry((long) PRIMARY_ID, 10));
        JdbcInternals.checkHealthNow(ds);
        assertThat(ds.stats("replica1").state()).isEqualTo(HealthState.EJECTED);
        assertThat(ds.stats("replica2").state()).isEqualTo(HealthState.EJECTED);
        assertThat(readOnlyServerIds(5)).containsExactly(Map.entry((long) PRIMARY_ID, 5));
    }

    @Test
    void allReplicasDownFailsReadsClearlyWhenPrimaryFallbackIsOff() throws Exception {
        TcpProxy p1 = own(new TcpProxy(REPLICA1_PORT));
        TcpProxy p2 = own(new TcpProxy(REPLICA2_PORT));
        ds = routing(PRIMARY_PORT, p1.port(), p2.port()).readFromPrimaryWhenNoReplicas(false).build();
        p1.close();
        p2.close();
        JdbcInternals.checkHealthNow(ds);
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            assertThatThrownBy(() -> serverId(c)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no replica available for read-only work")
                    .hasMessageContaining("readFromPrimaryWhenNoReplicas is false")
                    .hasMessageNotContaining(Cluster.PASSWORD);
        }
    }

    @Test
    void primaryDownLeavesReadsOnReplicasAndFailsWritesNamingThePrimary() throws Exception {
        TcpProxy primary = own(new TcpProxy(PRIMARY_PORT));
        ds = routing(primary.port(), REPLICA1_PORT, REPLICA2_PORT).build();
        try (Connection c = ds.getConnection()) {
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
        }
        primary.close();
        assertThat(readOnlyServerIds(10)).containsOnlyKeys((long) REPLICA1_ID, (long) REPLICA2_ID);
        try (Connection c = ds.getConnection()) {
            assertThatThrownBy(() -> insert(c)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("primary 'primary' (" + Cluster.HOST + ":" + primary.port() + ")")
                    .hasMessageNotContaining(Cluster.PASSWORD)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
        }
        JdbcInternals.checkHealthNow(ds); // the probe marks it down: writes now fail at once, saying so
        assertThat(ds.stats("primary").state()).isEqualTo(HealthState.EJECTED);
        try (Connection c = ds.getConnection()) {
            assertThatThrownBy(() -> insert(c)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("primary 'primary'").hasMessageContaining("is down");
            c.setReadOnly(true);
            assertThat(serverId(c)).isIn((long) REPLICA1_ID, (long) REPLICA2_ID);
        }
    }

    // ------------------------------------------------------------------ read-your-writes

    @Test
    void readYourWritesSessionSeesItsOwnWriteOnTheNextReadFromAReplica() throws Exception {
        ds = routing().readYourWrites(ReadYourWrites.gtid(Duration.ofSeconds(5))).build();
        try (Connection c = ds.getConnection()) {
            for (int i = 0; i < 6; i++) {
                c.setReadOnly(false);
                String v = insert(c);
                c.setReadOnly(true);
                assertThat(sees(c, v)).as("read %d sees its write", i).isTrue();
                assertThat(serverId(c)).isIn((long) REPLICA1_ID, (long) REPLICA2_ID);
            }
        }
    }

    @Test
    void readYourWritesSessionFallsBackToThePrimaryWhenTheReplicaIsTooFarBehind() throws Exception {
        touchedReplication = true;
        Cluster.delayReplication(REPLICA1_PORT, 5);
        ds = routing().readYourWrites(ReadYourWrites.gtid(Duration.ofSeconds(1))).build();
        List<Long> readers = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            for (int i = 0; i < 4; i++) {
                c.setReadOnly(false);
                String v = insert(c);
                c.setReadOnly(true);
                assertThat(sees(c, v)).as("read %d sees its write", i).isTrue();
                readers.add(serverId(c));
            }
        }
        // the rotation offers replica1 (5 s behind, more than the 1 s wait) and replica2 in turn: replica1's turns go to the primary
        assertThat(readers).containsExactly((long) PRIMARY_ID, (long) REPLICA2_ID, (long) PRIMARY_ID, (long) REPLICA2_ID);
    }

    @Test
    void withoutReadYourWritesADelayedReplicaMissesTheWrite() throws Exception {
        touchedReplication = true;
        Cluster.delayReplication(REPLICA1_PORT, 5);
        ds = routing().build();
        try (Connection c = ds.getConnection()) {
            String v = insert(c);
            c.setReadOnly(true);
            assertThat(serverId(c)).isEqualTo(REPLICA1_ID);
            assertThat(sees(c, v)).isFalse(); // the control for the two tests above
        }
    }

    @Test
    void readYourWritesWindowSendsReadsToThePrimaryUntilItEnds() throws Exception {
        ManualTicker ticker = new ManualTicker();
        ds = routing().ticker(ticker).readYourWrites(ReadYourWrites.timeWindow(Duration.ofSeconds(2))).build();
        try (Connection c = ds.getConnection()) {
            String v = insert(c);
            c.setReadOnly(true);
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
            assertThat(sees(c, v)).isTrue();
            c.setReadOnly(false);
            ticker.advance(Duration.ofMillis(2001));
            c.setReadOnly(true);
            assertThat(serverId(c)).isIn((long) REPLICA1_ID, (long) REPLICA2_ID);
        }
    }

    @Test
    void threadScopedReadYourWritesFollowsTheThreadAcrossConnections() throws Exception {
        ManualTicker ticker = new ManualTicker();
        ds = routing().ticker(ticker)
                .readYourWrites(ReadYourWrites.timeWindow(Duration.ofSeconds(2)).scope(ReadYourWrites.Scope.THREAD)).build();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            insert(c);
            c.commit();
        }
        assertThat(readOnlyServerId()).isEqualTo(PRIMARY_ID); // another connection, same thread
        AtomicReference<Object> other = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                other.set(readOnlyServerId());
            } catch (Throwable e) {
                other.set(e);
            }
        });
        t.start();
        t.join();
        assertThat(other.get()).isIn((long) REPLICA1_ID, (long) REPLICA2_ID);
    }

    // ------------------------------------------------------------------ operations

    @Test
    void replicasCanBeRemovedAddedAndDrainedAtRuntime() throws Exception {
        ds = routing().build();
        assertThat(ds.removeReplica("replica1")).isTrue();
        assertThat(ds.replicaNames()).containsExactly("replica2");
        assertThat(readOnlyServerIds(6)).containsExactly(Map.entry((long) REPLICA2_ID, 6));
        ds.addReplica(Server.builder(Cluster.HOST, REPLICA1_PORT).id("replica1").build(), pool("replica1-again", REPLICA1_PORT));
        assertThat(readOnlyServerIds(6)).containsOnlyKeys((long) REPLICA1_ID, (long) REPLICA2_ID);
        Connection held = ds.getConnection();
        held.setReadOnly(true);
        while (serverId(held) != REPLICA2_ID) { // land the held connection on replica2
            held.setReadOnly(false);
            held.setReadOnly(true);
        }
        CompletableFuture<Void> drained = ds.drainReplica("replica2");
        assertThat(drained).isNotDone();
        assertThat(ds.stats("replica2").state()).isEqualTo(HealthState.DRAINING);
        assertThat(readOnlyServerIds(6)).containsExactly(Map.entry((long) REPLICA1_ID, 6));
        held.close();
        assertThat(drained).isDone();
        ds.undrainReplica("replica2");
        assertThat(readOnlyServerIds(6)).containsOnlyKeys((long) REPLICA1_ID, (long) REPLICA2_ID);
    }

    @Test
    void statsReportLagAfterAProbe() throws Exception {
        ds = routing().build();
        assertThat(ds.stats("replica1").lagSeconds()).isEqualTo(-1);
        JdbcInternals.checkHealthNow(ds);
        List<NodeStats> stats = ds.stats();
        assertThat(stats).extracting(NodeStats::name).containsExactly("primary", "replica1", "replica2");
        assertThat(stats).extracting(NodeStats::role)
                .containsExactly(NodeStats.Role.PRIMARY, NodeStats.Role.REPLICA, NodeStats.Role.REPLICA);
        assertThat(stats.get(1).lagSeconds()).isZero();
        assertThat(stats.get(2).lagSeconds()).isZero();
        assertThat(stats).extracting(NodeStats::state).containsOnly(HealthState.UP);
    }

    // ------------------------------------------------------------------ the proxy itself

    @Test
    void closedConnectionThrowsOnUseAndClosesIdempotently() throws SQLException {
        ds = routing().build();
        Connection c = ds.getConnection();
        serverId(c);
        c.close();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(c.isValid(1)).isFalse();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08003"));
        assertThatThrownBy(() -> c.setReadOnly(true)).isInstanceOf(SQLException.class);
        assertThat(ds.stats("primary").inFlight()).isZero();
    }

    @Test
    void unwrapReachesTheDriverConnectionAndStatementsPointBackToTheProxy() throws SQLException {
        ds = routing().build();
        try (Connection c = ds.getConnection()) {
            assertThat(c.unwrap(Connection.class)).isSameAs(c);
            assertThat(c.isWrapperFor(JdbcConnection.class)).isTrue();
            assertThat(c.unwrap(JdbcConnection.class)).isNotNull().isNotSameAs(c);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertThat(st.getConnection()).isSameAs(c);
                assertThat(rs.getStatement()).isSameAs(st);
                assertThat(st.unwrap(Statement.class)).isSameAs(st);
                assertThat(st.isWrapperFor(com.mysql.cj.jdbc.JdbcStatement.class)).isTrue();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ?")) {
                assertThat(ps.getConnection()).isSameAs(c);
            }
        }
    }

    @Test
    void passwordsNeverAppearInToString() throws SQLException {
        ds = routing().build();
        try (Connection c = ds.getConnection()) {
            serverId(c);
            assertThat(c.toString()).contains("test").doesNotContain(Cluster.PASSWORD);
        }
        assertThat(ds.toString()).contains("replica1").doesNotContain(Cluster.PASSWORD);
        assertThat(ds.stats().toString()).doesNotContain(Cluster.PASSWORD);
    }

    @Test
    void closedDataSourceRefusesNewConnections() {
        ds = routing().build();
        ds.close();
        assertThat(ds.isClosed()).isTrue();
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("'test' is closed");
    }

    @Test
    void getConnectionWithCredentialsIsRefused() {
        ds = routing().build();
        assertThatThrownBy(() -> ds.getConnection("u", "p")).isInstanceOf(java.sql.SQLFeatureNotSupportedException.class);
    }
}
