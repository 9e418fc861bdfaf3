package io.lb4j.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.lb4j.jdbc.Cluster.PRIMARY_ID;
import static io.lb4j.jdbc.Cluster.serverId;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code jdbc:lb:mysql:} URLs against the real cluster, through DriverManager and through HikariCP. */
class LbDriverTest {
    private HikariDataSource hikari;

    @BeforeAll
    static void probesByHand() {
        JdbcInternals.driverManualHealthChecks(true);
    }

    @AfterAll
    static void probesOnScheduleAgain() {
        JdbcInternals.driverManualHealthChecks(false);
    }

    @BeforeEach
    void setUp() throws Exception {
        Cluster.require();
        Cluster.execute(Cluster.PRIMARY_PORT, "CREATE TABLE IF NOT EXISTS ryw (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL)");
        Cluster.awaitHealthyReplication();
    }

    @AfterEach
    void tearDown() {
        if (hikari != null) {
            hikari.close();
        }
        LbDriver.closeAll();
    }

    private static String url(String lbOptions) {
        return "jdbc:lb:mysql://" + Cluster.HOST + ":" + Cluster.PRIMARY_PORT + "," + Cluster.HOST + ":" + Cluster.REPLICA1_PORT + ","
                + Cluster.HOST + ":" + Cluster.REPLICA2_PORT + "/" + Cluster.DATABASE + "?" + Cluster.OPTIONS
                + (lbOptions.isEmpty() ? "" : "&" + lbOptions);
    }

    private static Map<Long, Integer> readOnlyServerIds(java.util.concurrent.Callable<Connection> source, int reads) throws Exception {
        Map<Long, Integer> counts = new TreeMap<>();
        for (int i = 0; i < reads; i++) {
            try (Connection c = source.call()) {
                c.setReadOnly(true);
                counts.merge(serverId(c), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void driverManagerConnectionsReadFromReplicasAndWriteToThePrimary() throws Exception {
        String url = url("lb.strategy=round-robin");
        assertThat(readOnlyServerIds(() -> DriverManager.getConnection(url, Cluster.credentials()), 20))
                .containsExactly(Map.entry(2L, 10), Map.entry(3L, 10));
        try (Connection c = DriverManager.getConnection(url, Cluster.credentials());
             Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO ryw (v) VALUES ('driver')")).isEqualTo(1);
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
        }
    }

    @Test
    void mariadbUrlsRunOverMariadbConnectorJ() throws Exception {
        String url = "jdbc:lb:mariadb://" + Cluster.HOST + ":" + Cluster.PRIMARY_PORT + "," + Cluster.HOST + ":"
                + Cluster.REPLICA1_PORT + "," + Cluster.HOST + ":" + Cluster.REPLICA2_PORT + "/" + Cluster.DATABASE
                + "?connectTimeout=2000&socketTimeout=15000&lb.strategy=rr";
        assertThat(readOnlyServerIds(() -> DriverManager.getConnection(url, Cluster.credentials()), 20))
                .containsExactly(Map.entry(2L, 10), Map.entry(3L, 10));
        try (Connection c = DriverManager.getConnection(url, Cluster.credentials());
             Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO ryw (v) VALUES ('mariadb-driver')")).isEqualTo(1);
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
            assertThat(c.isWrapperFor(org.mariadb.jdbc.Connection.class)).isTrue(); // the physical one is MariaDB's
        }
    }

    @Test
    void strategyFromTheUrlBalancesByConnectionsHeld() throws Exception {
        String url = url("lb.strategy=wlc");
        java.util.List<Connection> held = new java.util.ArrayList<>();
        Map<Long, Integer> counts = new TreeMap<>();
        try {
            for (int i = 0; i < 6; i++) {
                Connection c = DriverManager.getConnection(url, Cluster.credentials());
                held.add(c);
                c.setReadOnly(true);
                counts.merge(serverId(c), 1, Integer::sum);
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        assertThat(counts).containsExactly(Map.entry(2L, 3), Map.entry(3L, 3));
        assertThat(LbDriver.dataSource(url, Cluster.credentials()).replicaPool().strategy().name())
                .isEqualTo("weighted-least-connections");
    }

    @Test
    void credentialsInTheUrlWork() throws Exception {
        String url = url("") + "&user=" + Cluster.USER + "&password=" + Cluster.PASSWORD;
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
        }
    }

    @Test
    void aLogicalConnectionReusesOnePhysicalConnectionPerNode() throws Exception {
        Map<Long, String> connectionIds = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url(""), Cluster.credentials())) {
            for (int i = 0; i < 6; i++) {
                c.setReadOnly(i % 3 != 0);
                long server = serverId(c);
                String id;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    id = rs.getString(1);
                }
                String before = connectionIds.putIfAbsent(server, id);
                assertThat(before == null || before.equals(id)).as("node %d reused its connection", server).isTrue();
            }
        }
        assertThat(connectionIds).containsOnlyKeys(1L, 2L, 3L);
    }

    @Test
    void readYourWritesFromTheUrlSeesTheWriteOnTheNextRead() throws Exception {
        try (Connection c = DriverManager.getConnection(url("lb.readYourWrites=session&lb.readYourWritesTimeout=5s"), Cluster.credentials())) {
            for (int i = 0; i < 4; i++) {
                c.setReadOnly(false);
                String v = UUID.randomUUID().toString();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ryw (v) VALUES (?)")) {
                    ps.setString(1, v);
                    ps.executeUpdate();
                }
                c.setReadOnly(true);
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ryw WHERE v = ?")) {
                    ps.setString(1, v);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(1);
                    }
                }
                assertThat(serverId(c)).isIn(2L, 3L);
            }
        }
    }

    @Test
    void hikariOverTheLbUrlRoutesReadOnlyConnectionsToReplicas() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url("lb.strategy=rr"));
        config.setUsername(Cluster.USER);
        config.setPassword(Cluster.PASSWORD);
        config.setMaximumPoolSize(2);
        config.setPoolName("lb-over-hikari");
        hikari = new HikariDataSource(config);
        Map<Long, Integer> reads = readOnlyServerIds(hikari::getConnection, 20);
        assertThat(reads).containsOnlyKeys(2L, 3L);
        assertThat(reads.values()).allSatisfy(n -> assertThat(n).isEqualTo(10));
        try (Connection c = hikari.getConnection()) {
            assertThat(c.isReadOnly()).isFalse(); // Hikari reset it
            assertThat(serverId(c)).isEqualTo(PRIMARY_ID);
        }
        ReplicaRoutingDataSource routing = LbDriver.dataSource(url("lb.strategy=rr"), credentialsForHikari());
        assertThat(routing.stats("127.0.0.1:" + Cluster.REPLICA1_PORT).picks()).isEqualTo(10);
    }

    /** Hikari passes user and password as Properties. */
    private static java.util.Properties credentialsForHikari() {
        return Cluster.credentials();
    }
}
