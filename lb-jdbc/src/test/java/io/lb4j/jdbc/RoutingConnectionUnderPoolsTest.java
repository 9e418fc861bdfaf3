package io.lb4j.jdbc;

import com.mysql.cj.jdbc.JdbcConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What pools and frameworks ask a {@link RoutingConnection} besides statements, against the real cluster:
 * {@code getMetaData().getConnection()} is the logical connection (as HikariCP's proxies do it), and the node
 * driver's {@code socketTimeout} survives HikariCP's network-timeout bookkeeping.
 */
class RoutingConnectionUnderPoolsTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Cluster.require();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void metaDataGivesTheLogicalConnectionBack() throws Exception {
        DataSource routing = SpringStack.routingOverHikariPools("meta-rrds", closeables::add);
        try (Connection c = routing.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();

            assertThat(meta.getConnection()).isSameAs(c);
            assertThat(meta.getURL()).startsWith("jdbc:mysql://");
            assertThat(meta.getDatabaseProductVersion()).contains("MariaDB");
            try (ResultSet rs = meta.getTables(Cluster.DATABASE, null, "%", new String[]{"TABLE"})) {
                assertThat(rs.getStatement() == null || rs.getStatement().getConnection() == c).isTrue();
            }
        }
    }

    @Test
    void statementsResultSetsWrappersAndLifecycleAnswerAsTheLogicalConnection() throws Exception {
        DataSource routing = SpringStack.routingOverHikariPools("contract-rrds", closeables::add);
        Connection c = routing.getConnection();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            assertThat(st.getConnection()).isSameAs(c);
            assertThat(rs.getStatement()).isSameAs(st);
            assertThat(c.isWrapperFor(JdbcConnection.class)).isTrue();
            assertThat(c.unwrap(JdbcConnection.class)).isNotNull();
            assertThat(c.unwrap(Connection.class)).isSameAs(c);
            assertThat(c.isValid(1)).isTrue();
            assertThat(c.getHoldability()).isIn(ResultSet.HOLD_CURSORS_OVER_COMMIT, ResultSet.CLOSE_CURSORS_AT_COMMIT);
            c.clearWarnings();
            assertThat((Object) c.getWarnings()).isNull();
        }
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET @lb4j_sp = 1");
            java.sql.Savepoint sp = c.setSavepoint("lb4j_sp");
            st.execute("SET @lb4j_sp = 2");
            c.rollback(sp);
            c.releaseSavepoint(sp);
        }
        c.rollback();
        c.abort(Runnable::run);
        assertThat(c.isClosed()).isTrue();
        assertThat(c.isValid(1)).isFalse();
    }

    @Test
    void aFreshConnectionAnswersSessionDefaultsAndIsWrapperForFromAReplicaWhileThePrimaryIsUnreachable() throws Exception {
        TcpProxy deadPrimary = new TcpProxy(Cluster.PRIMARY_PORT);
        closeables.add(deadPrimary);
        int port = deadPrimary.port();
        deadPrimary.close(); // connections to the primary are refused
        javax.sql.DataSource primaryPool = Cluster.pool("defaults-primary", port);
        closeables.add((AutoCloseable) primaryPool);
        javax.sql.DataSource replicaPool = Cluster.pool("defaults-replica1", Cluster.REPLICA1_PORT);
        closeables.add((AutoCloseable) replicaPool);
        ReplicaRoutingDataSource routing = io.lb4j.jdbc.internal.JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder())
                .name("defaults").primary(primaryPool).replica("replica1", replicaPool)
                .strategy(new io.lb4j.algorithms.RoundRobin()).build();
        closeables.add(routing);

        try (Connection c = routing.getConnection()) { // read-write: its node, the primary, is unreachable
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
            assertThat(c.getNetworkTimeout()).isEqualTo(15_000);
            assertThat(c.getCatalog()).isEqualTo(Cluster.DATABASE);
            assertThat(c.isWrapperFor(JdbcConnection.class)).isTrue();
            assertThat(c.isReadOnly()).as("still read-write").isFalse();
            c.setReadOnly(true);
            assertThat(Cluster.serverId(c)).isEqualTo(2);
        }
    }

    @Test
    void hikariOverTheLbUrlKeepsTheDriversSocketTimeoutOnThePhysicalConnections() throws Exception {
        DataSource hikari = SpringStack.hikariOverLbUrl("net-timeout", "", 2, closeables::add);
        try (Connection c = hikari.getConnection()) {
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                st.executeQuery("SELECT 1").close();
            }
            assertThat(c.unwrap(JdbcConnection.class).getNetworkTimeout()).as("socketTimeout=15000 of the replica's connection")
                    .isEqualTo(15_000);
            c.setReadOnly(false);
            try (Statement st = c.createStatement()) {
                st.executeQuery("SELECT 1").close();
            }
            assertThat(c.unwrap(JdbcConnection.class).getNetworkTimeout()).as("socketTimeout=15000 of the primary's connection")
                    .isEqualTo(15_000);
        }
    }
}
