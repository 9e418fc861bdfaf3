package io.lb4j.jdbc;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.Server;
import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.jdbc.Cluster.HOST;
import static io.lb4j.jdbc.Cluster.PRIMARY_ID;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The commit of a read-only transaction ({@code setReadOnly(true)}, {@code autoCommit=false}, as Spring's
 * {@code readOnly} transactions run) whose replica is lost after it answered, against the real cluster: the replica
 * is reached through a {@link TcpProxy} that the test closes between the last query and the commit.
 */
class ReadOnlyCommitTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TcpProxy proxy;
    private ReplicaRoutingDataSource ds;

    @BeforeEach
    void setUp() throws Exception {
        Cluster.require();
        proxy = new TcpProxy(REPLICA1_PORT);
        closeables.add(proxy);
        closeables.add(Cluster.pool("roc-primary", PRIMARY_PORT));
        closeables.add(Cluster.pool("roc-replica1", proxy.port()));
        ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder()).name("read-only-commit")
                .primary(Server.builder(HOST, PRIMARY_PORT).id("primary").build(), (javax.sql.DataSource) closeables.get(1))
                .replica(Server.builder(HOST, REPLICA1_PORT).id("replica1").build(), (javax.sql.DataSource) closeables.get(2))
                .strategy(new RoundRobin())
                .build();
        closeables.add(ds);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void aReadOnlyTransactionThatOnlyReadCommitsWhenItsReplicaIsLostBeforeTheCommit() throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            assertThat(Cluster.serverId(c)).isEqualTo(2);

            proxy.close(); // the replica is gone after answering
            c.commit();

            assertThat(ds.stats("replica1").failures()).as("the lost connection counts against the replica").isEqualTo(1);
            assertThat(Cluster.serverId(c)).as("the next read-only transaction, with no replica left").isEqualTo(PRIMARY_ID);
            c.commit();
        }
    }

    @Test
    void aReadOnlyTransactionThatRanAStatementWhichMayWriteStillFailsAtTheCommit() throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                assertThat(st.execute("SET @lb4j_commit_test = 1")).isFalse(); // no result set: it may have written
            }

            proxy.close();

            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"))
                    .hasMessageContaining("replica1");
        }
    }

    @Test
    void aReadWriteTransactionStillFailsAtTheCommitWhenThePrimaryIsLost() throws Exception {
        TcpProxy primaryProxy = new TcpProxy(PRIMARY_PORT);
        closeables.add(primaryProxy);
        closeables.add(Cluster.pool("roc-primary-proxied", primaryProxy.port()));
        ReplicaRoutingDataSource viaProxy = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder()).name("read-write-commit")
                .primary(Server.builder(HOST, PRIMARY_PORT).id("primary").build(), (javax.sql.DataSource) closeables.get(closeables.size() - 1))
                .replica(Server.builder(HOST, REPLICA1_PORT).id("replica1").build(), (javax.sql.DataSource) closeables.get(2))
                .strategy(new RoundRobin())
                .build();
        closeables.add(viaProxy);
        try (Connection c = viaProxy.getConnection()) {
            c.setAutoCommit(false);
            assertThat(Cluster.serverId(c)).isEqualTo(PRIMARY_ID); // only a query, but read-write work

            primaryProxy.close();

            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
        }
    }
}
