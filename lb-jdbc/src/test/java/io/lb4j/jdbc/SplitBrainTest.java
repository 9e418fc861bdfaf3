package io.lb4j.jdbc;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.Server;
import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.jdbc.Cluster.HOST;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA2_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Never two writers: a replica promoted while the primary still runs makes two writable nodes that do not
 * replicate, and writes are refused with an SQLException saying split brain until it replicates again.
 * Also the manual switchover and the JMX view. Against the real cluster, which is left as it was found.
 */
class SplitBrainTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private boolean replica1Promoted;

    @BeforeEach
    void setUp() throws Exception {
        Cluster.require();
        Cluster.awaitHealthyReplication();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (replica1Promoted) {
            Cluster.script("repoint", "replica1", "primary");
        }
        Cluster.awaitHealthyReplication(3);
    }

    private ReplicaRoutingDataSource routing(String name) {
        ReplicaRoutingDataSource ds = ReplicaRoutingDataSource.builder().name(name)
                .primary(Server.builder(HOST, PRIMARY_PORT).id("primary").build(), pool(name + "-p", PRIMARY_PORT))
                .replica(Server.builder(HOST, REPLICA1_PORT).id("replica1").build(), pool(name + "-r1", REPLICA1_PORT))
                .replica(Server.builder(HOST, REPLICA2_PORT).id("replica2").build(), pool(name + "-r2", REPLICA2_PORT))
                .strategy(new RoundRobin())
                .checkInterval(Duration.ofMillis(200)).checkTimeout(Duration.ofMillis(500)).build();
        closeables.add(0, ds);
        return ds;
    }

    private javax.sql.DataSource pool(String name, int port) {
        com.zaxxer.hikari.HikariDataSource p = Cluster.pool(name, port);
        closeables.add(p);
        return p;
    }

    private static long writeAndServerId(ReplicaRoutingDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO cluster_check (token) VALUES ('split-brain-test')");
            return Cluster.serverId(c);
        }
    }

    @Test
    void twoWritableNodesRefuseWritesAsSplitBrainUntilOneReplicatesAgain() throws Exception {
        ReplicaRoutingDataSource ds = routing("split-brain");
        JdbcInternals.checkHealthNow(ds);
        assertThat(writeAndServerId(ds)).isEqualTo(Cluster.PRIMARY_ID);
        Cluster.awaitReplicasInSync();

        replica1Promoted = true;
        Cluster.script("promote", "replica1");
        assertThat(Cluster.await(3_000, () -> ds.splitBrain() != null)).as("split brain seen").isTrue();
        assertThatThrownBy(() -> writeAndServerId(ds)).isInstanceOf(SQLException.class)
                .hasMessageContaining("split brain")
                .hasMessageContaining(HOST + ":" + PRIMARY_PORT).hasMessageContaining(HOST + ":" + REPLICA1_PORT);
        assertThat(ds.primaryName()).as("no guess: the primary stays").isEqualTo("primary");
        assertThat(PrimaryCrashTest.readOnlyTransaction(ds)).as("reads go on").isIn(3L, 2L);
        String count = "SELECT COUNT(*) FROM cluster_check WHERE token='split-brain-test'";
        assertThat(Cluster.queryString(REPLICA1_PORT, count)).as("nothing written on the promoted replica")
                .isEqualTo(Cluster.queryString(PRIMARY_PORT, count));

        Cluster.script("repoint", "replica1", "primary");
        replica1Promoted = false;
        assertThat(Cluster.await(3_000, () -> ds.splitBrain() == null)).as("split brain resolved").isTrue();
        assertThat(writeAndServerId(ds)).isEqualTo(Cluster.PRIMARY_ID);
    }

    @Test
    void setPrimaryMovesWritesAndTheRoleProbesRefuseAReadOnlyTarget() throws Exception {
        ReplicaRoutingDataSource ds = routing("switchover");
        JdbcInternals.checkHealthNow(ds);
        assertThatThrownBy(() -> ds.setPrimary("nobody")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nobody'").hasMessageContaining("replica1");
        ds.setPrimary("replica1");
        assertThat(ds.primaryName()).isEqualTo("replica1");
        assertThat(ds.replicaNames()).containsExactlyInAnyOrder("replica2");
        // replica1 is read-only: writes are refused before reaching it, then the probes move them back
        assertThatThrownBy(() -> writeAndServerId(ds)).isInstanceOf(SQLException.class)
                .hasMessageContaining("replica1").hasMessageContaining("read-only");
        assertThat(Cluster.await(3_000, () -> ds.primaryName().equals("primary"))).as("moved back to the only writable node").isTrue();
        assertThat(writeAndServerId(ds)).isEqualTo(Cluster.PRIMARY_ID);
        assertThat(Cluster.await(3_000, () -> ds.replicaNames().contains("replica1"))).as("replica1 takes reads again").isTrue();
    }

    @Test
    void routingStateIsOnJmxAndByNameWithoutCredentials() throws Exception {
        ReplicaRoutingDataSource ds = routing("jmx-routing");
        JdbcInternals.checkHealthNow(ds);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.lb4j.jdbc:type=Routing,name=\"jmx-routing\"");
        assertThat(server.getAttribute(name, "Primary")).isEqualTo("primary (" + HOST + ":" + PRIMARY_PORT + ")");
        assertThat(server.getAttribute(name, "SplitBrain")).isEqualTo("");
        assertThat((String[]) server.getAttribute(name, "Replicas")).containsExactly("replica1", "replica2");
        assertThat((String[]) server.getAttribute(name, "Nodes")).hasSize(3)
                .anySatisfy(l -> assertThat(l).startsWith("primary role=PRIMARY address=" + HOST + ":" + PRIMARY_PORT + " state=UP"
                        + " probed=writable, not replicating"))
                .anySatisfy(l -> assertThat(l).startsWith("replica1 role=REPLICA").contains("probed=replica of " + HOST + ":" + PRIMARY_PORT));
        assertThat(ReplicaRoutingDataSource.byName("jmx-routing")).containsSame(ds);
        ds.close();
        assertThat(server.isRegistered(name)).isFalse();
        assertThat(ReplicaRoutingDataSource.byName("jmx-routing")).isEmpty();
    }
}
