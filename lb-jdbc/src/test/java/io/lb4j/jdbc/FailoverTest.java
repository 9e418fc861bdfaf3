package io.lb4j.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.Server;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.lb4j.jdbc.Cluster.HOST;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA2_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover against the real cluster: the primary is killed (SIGKILL), replica1 promoted with the ordinary
 * MariaDB commands, replica2 re-pointed to it, all through {@code mariadb-replicas.sh}. Writes must follow
 * without a restart, no write may ever reach a read-only node, reads never fail. Each test resets the
 * cluster to its initial topology ({@code mariadb-replicas.sh up}) afterwards.
 */
class FailoverTest {
    private static final int ER_READ_ONLY = 1290; // ER_OPTION_PREVENTS_STATEMENT: --read-only
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private boolean topologyChanged;

    @BeforeEach
    void setUp() throws Exception {
        Cluster.require();
        Cluster.awaitHealthyReplication();
        Cluster.execute(PRIMARY_PORT, "CREATE TABLE IF NOT EXISTS failover_writes (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                + " token VARCHAR(64) NOT NULL, server_id INT NOT NULL, ro INT NOT NULL) ENGINE=InnoDB");
        Cluster.awaitReplicasInSync();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        ReplicaRoutingDataSource.byName("failover-lb").ifPresent(ReplicaRoutingDataSource::close); // cached by LbDriver
        if (topologyChanged) {
            Cluster.script("up");
        }
        Cluster.awaitHealthyReplication(3);
    }

    private <T extends AutoCloseable> T own(T c) {
        closeables.add(c);
        return c;
    }

    /** A write as an application makes it; the row says which server took it and whether it was read-only. */
    private static void write(Connection c, String token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO failover_writes (token, server_id, ro) VALUES (?, @@server_id, @@global.read_only)")) {
            ps.setString(1, token);
            ps.executeUpdate();
        }
    }

    private static boolean hasVendorCode(Throwable e, int code) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException && ((SQLException) t).getErrorCode() == code) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (hasVendorCode(s, code)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Writes every 20 ms while not paused; records acknowledged tokens with their time and every failure. */
    static final class Writer implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean paused = new AtomicBoolean();
        final AtomicBoolean idle = new AtomicBoolean();
        final Map<String, Long> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<SQLException> failures = new ConcurrentLinkedQueue<>();
        final Thread thread;

        Writer(javax.sql.DataSource ds) {
            AtomicLong n = new AtomicLong();
            thread = new Thread(() -> {
                while (!stop.get()) {
                    if (paused.get()) {
                        idle.set(true);
                        sleep(5);
                        continue;
                    }
                    idle.set(false);
                    String token = "w" + n.incrementAndGet();
                    try (Connection c = ds.getConnection()) {
                        write(c, token);
                        acknowledged.put(token, System.nanoTime());
                    } catch (SQLException e) {
                        failures.add(e);
                    }
                    sleep(20);
                }
            }, "failover-writer");
            thread.setDaemon(true);
            thread.start();
        }

        void pause() throws InterruptedException {
            paused.set(true);
            assertThat(Cluster.await(5_000, idle::get)).as("writer paused").isTrue();
        }

        long firstAckAfter(long nanos) {
            return acknowledged.values().stream().filter(t -> t > nanos).min(Long::compare).orElse(-1L);
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void writesFollowAPromotedReplicaWithin5sAndNoWriteReachesAReadOnlyNode() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("failover-lb");
        config.setJdbcUrl("jdbc:lb:mysql://" + HOST + ":" + PRIMARY_PORT + "," + HOST + ":" + REPLICA1_PORT + "," + HOST + ":"
                + REPLICA2_PORT + "/" + Cluster.DATABASE + "?" + Cluster.OPTIONS + "&lb.name=failover-lb" + PrimaryCrashTest.FAST);
        config.setUsername(Cluster.USER);
        config.setPassword(Cluster.PASSWORD);
        config.setMaximumPoolSize(6);
        config.setConnectionTimeout(2000);
        HikariDataSource spring = own(new HikariDataSource(config));
        PrimaryCrashTest.readOnlyTransaction(spring);
        ReplicaRoutingDataSource routing = ReplicaRoutingDataSource.byName("failover-lb").orElseThrow();
        List<HealthEvent> events = new CopyOnWriteArrayList<>();
        routing.addListener(events::add);

        PrimaryCrashTest.Load readers = own(new PrimaryCrashTest.Load("failover", spring, 4));
        Writer writer = own(new Writer(spring));
        Thread.sleep(500);
        // no write in flight at the crash: an acknowledged write the replicas never got would be lost with any client
        writer.pause();
        Cluster.awaitReplicasInSync();
        topologyChanged = true;
        Cluster.script("kill", "primary");
        writer.paused.set(false);
        Thread.sleep(300); // writes fail while nobody is primary
        Cluster.script("promote", "replica1");
        long promoted = System.nanoTime();
        Cluster.script("repoint", "replica2", "replica1");
        assertThat(Cluster.await(5_000, () -> writer.firstAckAfter(promoted) > 0)).as("writes resumed within 5 s").isTrue();
        long resumedMillis = (writer.firstAckAfter(promoted) - promoted) / 1_000_000;
        Map<Long, Long> readsAtFailover = snapshot(readers);
        Thread.sleep(1_000); // reads and writes go on against the new topology
        readers.close();
        writer.close();

        assertThat(readers.failures.get()).as("failed read-only transactions, first: %s", readers.firstFailure.get()).isZero();
        Map<Long, Long> readsAfter = snapshot(readers);
        assertThat(readsAfter.getOrDefault(3L, 0L) - readsAtFailover.getOrDefault(3L, 0L)).as("reads on replica2 after failover")
                .isGreaterThan(0);
        assertThat(writer.failures).as("no write was sent to a read-only node")
                .noneMatch(e -> hasVendorCode(e, ER_READ_ONLY));
        assertThat(writer.failures).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMessage()).contains(HOST + ":" + PRIMARY_PORT));
        Map<String, int[]> rows = new HashMap<>();
        try (Connection c = Cluster.direct(REPLICA1_PORT); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT token, server_id, ro FROM failover_writes")) {
            while (rs.next()) {
                rows.put(rs.getString(1), new int[]{rs.getInt(2), rs.getInt(3)});
            }
        }
        assertThat(rows.keySet()).as("every acknowledged write is on the new primary").containsAll(writer.acknowledged.keySet());
        assertThat(rows.values()).as("no row written by a read-only node").allMatch(r -> r[1] == 0);
        assertThat(rows.values().stream().filter(r -> r[0] == 2).count()).as("writes taken by replica1 after promotion").isGreaterThan(0);
        assertThat(routing.primaryName()).isEqualTo(HOST + ":" + REPLICA1_PORT);
        assertThat(routing.replicaNames()).containsExactly(HOST + ":" + REPLICA2_PORT);
        assertThat(events).anySatisfy(e -> assertThat(e.reason())
                .contains("primary moved from " + HOST + ":" + PRIMARY_PORT + " to " + HOST + ":" + REPLICA1_PORT));
        System.out.printf("failover: writes resumed %d ms after the promotion; %d writes acknowledged, %d failed fast;"
                + " %d reads, 0 failed, by server %s%n", resumedMillis, writer.acknowledged.size(), writer.failures.size(),
                readers.reads(), readsAfter);
    }

    private static Map<Long, Long> snapshot(PrimaryCrashTest.Load load) {
        Map<Long, Long> m = new HashMap<>();
        load.byServer.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Test
    void oldPrimaryRestartedAsReplicaOfTheNewOneTakesReadsAgain() throws Exception {
        ReplicaRoutingDataSource routing = own(ReplicaRoutingDataSource.builder().name("failover-rrds")
                .primary(Server.builder(HOST, PRIMARY_PORT).id("primary").build(), own(Cluster.pool("fo-p", PRIMARY_PORT)))
                .replica(Server.builder(HOST, REPLICA1_PORT).id("replica1").build(), own(Cluster.pool("fo-r1", REPLICA1_PORT)))
                .replica(Server.builder(HOST, REPLICA2_PORT).id("replica2").build(), own(Cluster.pool("fo-r2", REPLICA2_PORT)))
                .strategy(new RoundRobin())
                .checkInterval(Duration.ofMillis(200)).checkTimeout(Duration.ofMillis(500)).build());
        topologyChanged = true;
        Cluster.script("kill", "primary");
        Cluster.script("promote", "replica1");
        Cluster.script("repoint", "replica2", "replica1");
        assertThat(Cluster.await(5_000, () -> routing.primaryName().equals("replica1"))).as("replica1 is primary").isTrue();
        try (Connection c = routing.getConnection()) {
            write(c, "after-promotion");
            assertThat(Cluster.serverId(c)).isEqualTo(2);
        }

        Cluster.script("restart", "primary", "--replica-of", "replica1");
        assertThat(Cluster.await(5_000, () -> routing.replicaNames().contains("primary"))).as("old primary joins the replicas").isTrue();
        Map<Long, Integer> reads = new HashMap<>();
        assertThat(Cluster.await(5_000, () -> {
            try {
                reads.merge(PrimaryCrashTest.readOnlyTransaction(routing), 1, Integer::sum);
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
            return reads.getOrDefault(1L, 0) >= 5;
        })).as("the old primary serves reads, reads so far %s", reads).isTrue();
        assertThat(reads).containsOnlyKeys(1L, 3L);
        assertThat(routing.stats("primary").role()).isEqualTo(NodeStats.Role.REPLICA);
        assertThat(routing.stats("primary").probedRole()).isEqualTo("replica of 127.0.0.1:" + REPLICA1_PORT);
        try (Connection c = routing.getConnection()) {
            write(c, "after-old-primary-returned");
            assertThat(Cluster.serverId(c)).isEqualTo(2);
        }
    }
}
