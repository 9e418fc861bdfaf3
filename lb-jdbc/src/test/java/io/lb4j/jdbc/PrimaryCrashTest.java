package io.lb4j.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.lb4j.jdbc.Cluster.HOST;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA2_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The primary's mariadbd is killed with SIGKILL under read load: replicas whose IO thread reconnects stay
 * readable, so no read-only transaction fails, and writes fail fast naming the primary. Against the real
 * cluster; the primary is restarted afterwards and the replicas catch up, so other tests find the cluster as it was.
 */
class PrimaryCrashTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

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
        ReplicaRoutingDataSource.byName("crash-lb").ifPresent(ReplicaRoutingDataSource::close); // cached by LbDriver
        ReplicaRoutingDataSource.byName("crash2-lb").ifPresent(ReplicaRoutingDataSource::close);
        try {
            if (!answers(PRIMARY_PORT)) {
                Cluster.script("restart", "primary");
            }
            if (!answers(REPLICA2_PORT)) {
                Cluster.script("restart", "replica2");
            }
            Cluster.awaitHealthyReplication(3);
        } catch (RuntimeException e) {
            Cluster.script("up"); // whatever the crash left behind, start over from the initial topology
            Cluster.awaitHealthyReplication(3);
        }
    }

    static boolean answers(int port) {
        try (Connection c = Cluster.direct(port)) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private <T extends AutoCloseable> T own(T c) {
        closeables.add(c);
        return c;
    }

    static final String FAST = "&lb.checkInterval=200ms&lb.checkTimeout=500ms";

    private HikariDataSource hikariOverLbUrl(String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl("jdbc:lb:mysql://" + HOST + ":" + PRIMARY_PORT + "," + HOST + ":" + REPLICA1_PORT + "," + HOST + ":" + REPLICA2_PORT
                + "/" + Cluster.DATABASE + "?" + Cluster.OPTIONS + "&lb.name=" + name + FAST);
        c.setUsername(Cluster.USER);
        c.setPassword(Cluster.PASSWORD);
        c.setMaximumPoolSize(4);
        c.setConnectionTimeout(2000);
        return own(new HikariDataSource(c));
    }

    private ReplicaRoutingDataSource routing(String name, ReadsWhenPrimaryDown policy) {
        return own(ReplicaRoutingDataSource.builder().name(name)
                .primary(Server.builder(HOST, PRIMARY_PORT).id("primary").build(), own(Cluster.pool(name + "-p", PRIMARY_PORT)))
                .replica(Server.builder(HOST, REPLICA1_PORT).id("replica1").build(), own(Cluster.pool(name + "-r1", REPLICA1_PORT)))
                .replica(Server.builder(HOST, REPLICA2_PORT).id("replica2").build(), own(Cluster.pool(name + "-r2", REPLICA2_PORT)))
                .strategy(new RoundRobin())
                .checkInterval(Duration.ofMillis(200)).checkTimeout(Duration.ofMillis(500))
                .readsWhenPrimaryDown(policy)
                .build());
    }

    /** One read-only transaction as Spring's TransactionTemplate runs it; returns the server id it read from. */
    static long readOnlyTransaction(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            long id;
            try (Statement st = c.createStatement()) {
                id = Cluster.serverId(c);
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM cluster_check")) {
                    rs.next();
                }
            }
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
            return id;
        }
    }

    /** Reader threads over one data source, counting successes per server id and failures. */
    static final class Load implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong failures = new AtomicLong();
        final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        final Map<Long, AtomicLong> byServer = new ConcurrentHashMap<>();
        final List<Thread> threads = new ArrayList<>();

        Load(String name, DataSource ds, int threadCount) {
            for (int i = 0; i < threadCount; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            byServer.computeIfAbsent(readOnlyTransaction(ds), k -> new AtomicLong()).incrementAndGet();
                        } catch (SQLException | RuntimeException e) {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    }
                }, name + "-reader-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        long reads() {
            return byServer.values().stream().mapToLong(AtomicLong::get).sum();
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                for (Thread t : threads) {
                    t.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long timeWrite(DataSource ds, AtomicReference<SQLException> error) {
        long t0 = System.nanoTime();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO cluster_check (token) VALUES ('after-crash')");
        } catch (SQLException e) {
            error.set(e);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void killedPrimaryFailsNoReadOnlyTransactionAndWritesFailFastNamingIt() throws Exception {
        HikariDataSource spring = hikariOverLbUrl("crash-lb");
        ReplicaRoutingDataSource routing = routing("crash-rrds", ReadsWhenPrimaryDown.SERVE_STALE);
        ReplicaRoutingDataSource strict = routing("crash-strict", ReadsWhenPrimaryDown.FAIL);
        readOnlyTransaction(spring);
        readOnlyTransaction(routing);
        Load viaUrl = own(new Load("lb-url", spring, 4));
        Load viaRouting = own(new Load("rrds", routing, 4));
        Thread.sleep(500); // load before the crash
        long readsBefore = viaUrl.reads() + viaRouting.reads();

        Cluster.script("kill", "primary");
        long killedAt = System.nanoTime();

        for (DataSource ds : List.of(spring, routing)) {
            AtomicReference<SQLException> error = new AtomicReference<>();
            long millis = timeWrite(ds, error);
            System.out.printf("write after the crash failed in %d ms: %s%n", millis, error.get());
            assertThat((Throwable) error.get()).as("write after the crash through " + ds).isNotNull();
            assertThat(error.get().getMessage()).contains(HOST + ":" + PRIMARY_PORT);
            assertThat(millis).as("write failed fast").isLessThan(3_000);
        }
        // with FAIL, replicas whose source is gone leave rotation once the primary is known down
        assertThat(Cluster.await(5_000, () -> strict.replicaPool().state("replica1") != HealthState.UP
                && strict.replicaPool().state("replica2") != HealthState.UP)).as("readsWhenPrimaryDown=fail ejects").isTrue();
        // keep reading for 3 s after the crash: 15 probe rounds, 5 times what fall=3 needs to eject
        while (System.nanoTime() - killedAt < 3_000_000_000L) {
            Thread.sleep(50);
        }
        assertThat(routing.replicaPool().state("replica1")).isEqualTo(HealthState.UP);
        assertThat(routing.replicaPool().state("replica2")).isEqualTo(HealthState.UP);
        assertThat(routing.stats("replica1").probedRole()).startsWith("replica of " + HOST + ":" + PRIMARY_PORT);
        assertThat(routing.stats("replica1").lagSeconds()).isGreaterThanOrEqualTo(1);
        ReplicaRoutingDataSource viaUrlRouting = ReplicaRoutingDataSource.byName("crash-lb").orElseThrow();
        assertThat(viaUrlRouting.replicaPool().state(HOST + ":" + REPLICA1_PORT)).isEqualTo(HealthState.UP);
        viaUrl.close();
        viaRouting.close();

        assertThat(viaUrl.failures.get()).as("failed read-only transactions via jdbc:lb: + HikariCP, first: %s", viaUrl.firstFailure.get())
                .isZero();
        assertThat(viaRouting.failures.get()).as("failed read-only transactions via ReplicaRoutingDataSource, first: %s",
                viaRouting.firstFailure.get()).isZero();
        assertThat(viaUrl.reads() + viaRouting.reads() - readsBefore).as("reads after the crash").isGreaterThan(100);
        assertThat(viaUrl.byServer).doesNotContainKey((long) Cluster.PRIMARY_ID);
        assertThat(viaRouting.byServer).doesNotContainKey((long) Cluster.PRIMARY_ID);
        assertThatThrownBy(() -> readOnlyTransaction(strict)).isInstanceOf(SQLException.class)
                .hasMessageContaining(HOST + ":" + PRIMARY_PORT);
        System.out.printf("primary crash: %d reads via jdbc:lb:+HikariCP %s, %d via ReplicaRoutingDataSource %s, 0 failed%n",
                viaUrl.reads(), viaUrl.byServer, viaRouting.reads(), viaRouting.byServer);
    }

    @Test
    void primaryAndAReplicaKilledAtOnceLeaveReadsOnTheLastReplica() throws Exception {
        HikariDataSource spring = hikariOverLbUrl("crash2-lb");
        ReplicaRoutingDataSource routing = routing("crash2-rrds", ReadsWhenPrimaryDown.SERVE_STALE);
        readOnlyTransaction(spring);
        Load viaUrl = own(new Load("lb-url2", spring, 4));
        Load viaRouting = own(new Load("rrds2", routing, 4));
        Thread.sleep(300);
        Cluster.script("kill", "primary");
        Cluster.script("kill", "replica2");
        long killedAt = System.nanoTime();
        AtomicReference<SQLException> error = new AtomicReference<>();
        assertThat(timeWrite(routing, error)).isLessThan(3_000);
        assertThat((Throwable) error.get()).hasMessageContaining(HOST + ":" + PRIMARY_PORT);
        while (System.nanoTime() - killedAt < 1_000_000_000L) {
            Thread.sleep(50);
        }
        Map<Long, Long> before = new java.util.HashMap<>();
        viaRouting.byServer.forEach((k, v) -> before.put(k, v.get()));
        long failuresBefore = viaUrl.failures.get() + viaRouting.failures.get();
        Thread.sleep(2_000);
        viaUrl.close();
        viaRouting.close();
        // a read-only transaction that was between two statements on replica2 when it died cannot be replayed:
        // at most one per reader thread fails, and none after the first second
        assertThat(failuresBefore).as("reads lost in flight on replica2, first: %s", viaRouting.firstFailure.get()).isLessThanOrEqualTo(8);
        assertThat(viaUrl.failures.get() + viaRouting.failures.get()).as("no read failed after the first second")
                .isEqualTo(failuresBefore);
        assertThat(viaRouting.byServer.get(2L).get() - before.getOrDefault(2L, 0L)).as("reads on replica1").isGreaterThan(50);
        assertThat(viaRouting.byServer.getOrDefault(3L, new AtomicLong()).get()).isEqualTo(before.getOrDefault(3L, 0L));
        System.out.printf("primary and replica2 killed: %d + %d reads, %d failed in flight%n", viaUrl.reads(), viaRouting.reads(),
                failuresBefore);
    }

    @Test
    void replicaThatLostItsSourceWhileThePrimaryIsUpLeavesAfterMaxLag() throws Exception {
        ReplicaRoutingDataSource routing = own(ReplicaRoutingDataSource.builder().name("lost-source")
                .primary(Server.builder(HOST, PRIMARY_PORT).id("primary").build(), own(Cluster.pool("ls-p", PRIMARY_PORT)))
                .replica(Server.builder(HOST, REPLICA1_PORT).id("replica1").build(), own(Cluster.pool("ls-r1", REPLICA1_PORT)))
                .replica(Server.builder(HOST, REPLICA2_PORT).id("replica2").build(), own(Cluster.pool("ls-r2", REPLICA2_PORT)))
                .strategy(new RoundRobin()).maxLag(Duration.ofSeconds(1))
                .checkInterval(Duration.ofMillis(200)).checkTimeout(Duration.ofMillis(500)).build());
        try {
            Cluster.execute(REPLICA1_PORT, "STOP SLAVE", "CHANGE MASTER TO MASTER_PORT=1", "START SLAVE");
            assertThat(Cluster.await(6_000, () -> routing.replicaPool().state("replica1") != HealthState.UP))
                    .as("replica1 out once its unknown lag exceeds maxLag=1s").isTrue();
            assertThat(routing.replicaPool().state("replica2")).isEqualTo(HealthState.UP);
            assertThat(routing.replicaPool().state("replica1")).isEqualTo(HealthState.EJECTED);
        } finally {
            Cluster.execute(REPLICA1_PORT, "STOP SLAVE", "CHANGE MASTER TO MASTER_PORT=" + PRIMARY_PORT, "START SLAVE");
        }
    }
}
