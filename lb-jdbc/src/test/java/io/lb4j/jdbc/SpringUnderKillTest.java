package io.lb4j.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.lb4j.jdbc.Cluster.HOST;
import static io.lb4j.jdbc.Cluster.PRIMARY_ID;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA2_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring transactions on lb-jdbc while MariaDB processes are killed with SIGKILL ({@code mariadb-replicas.sh kill}, or
 * two at once by pid), through HikariCP over the {@code jdbc:lb:} URL and HikariCP over a {@link ReplicaRoutingDataSource}
 * over per-node HikariCP pools, 4 reader threads each running read-only {@link TransactionTemplate}s of two queries.
 *
 * <p>The bound asserted, as in {@link PrimaryCrashTest}: a read-only transaction that already ran a query on the killed
 * replica cannot be replayed elsewhere and fails, so at most one per reader thread fails, all within the first second
 * after the kill; a transaction whose first query meets the dead node moves to another replica, and one that only read
 * and loses its replica at the commit commits. Every failure carries SQLSTATE 08, so HikariCP evicts the connection.
 * Writes while the primary is down fail at once with SQLSTATE 08 naming the primary, and succeed again through the
 * same pools once it is back or a replica is promoted. Killed nodes are restarted after each test (or the cluster is
 * rebuilt with {@code up} after a promotion), so the next test finds primary 33061 with both replicas replicating from it.
 */
class SpringUnderKillTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    /** A test promoted a replica: the cluster is rebuilt ({@code up}) afterwards. */
    private boolean topologyChanged;
    private String table;
    private String name;

    @BeforeEach
    void setUp() throws Exception {
        String suffix = SpringStack.uniqueSuffix();
        table = "spring_kill_" + suffix;
        name = "kill-" + suffix;
        SpringStack.createItemsTable(table);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (topologyChanged) {
            Cluster.script("up"); // back to primary 33061 with both replicas replicating from it (drops the test's table)
            Cluster.awaitHealthyReplication(3);
            return;
        }
        try {
            if (!PrimaryCrashTest.answers(PRIMARY_PORT)) {
                Cluster.script("restart", "primary");
            }
            if (!PrimaryCrashTest.answers(REPLICA1_PORT)) {
                Cluster.script("restart", "replica1");
            }
            if (!PrimaryCrashTest.answers(REPLICA2_PORT)) {
                Cluster.script("restart", "replica2");
            }
            Cluster.awaitHealthyReplication(3);
        } catch (RuntimeException e) {
            Cluster.script("up"); // whatever the kill left behind, start over from the initial topology
            Cluster.awaitHealthyReplication(3);
        }
        Cluster.execute(PRIMARY_PORT, "DROP TABLE IF EXISTS " + table);
        Cluster.awaitReplicasInSync();
    }

    private HikariDataSource hikariOverLbUrl(String suffix) {
        return SpringStack.hikariOverLbUrl(name + suffix, "", 8, closeables::add);
    }

    private HikariDataSource hikariOverRouting() {
        return SpringStack.hikariOverRouting(name + "-h", SpringStack.routingOverHikariPools(name + "-r", closeables::add), 8,
                closeables::add);
    }

    private static TransactionTemplate readOnly(DataSource ds) {
        TransactionTemplate tt = new TransactionTemplate(new DataSourceTransactionManager(ds));
        tt.setReadOnly(true);
        return tt;
    }

    /** {@link SpringReaders#READERS} reader threads over {@code ds}, stopped with the test. */
    private SpringReaders readers(String label, DataSource ds) {
        SpringReaders r = new SpringReaders(label, ds, table);
        closeables.add(r);
        return r;
    }

    /** One read-write TransactionTemplate insert; returns the server id that took it, or throws. */
    private long write(DataSource ds, String v) {
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        Long id = new TransactionTemplate(new DataSourceTransactionManager(ds)).execute(status -> {
            jdbc.update("INSERT INTO " + table + " (v, server_id) VALUES (?, @@server_id)", v);
            return jdbc.queryForObject("SELECT @@server_id", Long.class);
        });
        return id == null ? -1 : id;
    }

    /** Writes until one succeeds or {@code millis} passed; returns the server id of the successful write or -1. */
    private long writeUntilItWorks(DataSource ds, String v, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return write(ds, v);
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no write succeeded within " + millis + " ms", last);
    }

    /**
     * Asserts that a write through {@code ds} fails fast with SQLSTATE 08* naming the primary, in a TransactionTemplate and
     * with JdbcTemplate outside a transaction.
     */
    private void assertWriteFailsFastNamingThePrimary(DataSource ds) {
        long t0 = System.nanoTime();
        Throwable failure = null;
        try {
            write(ds, "while-down");
        } catch (RuntimeException e) {
            failure = e;
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(failure).as("a write while the primary is down, through " + ds).isNotNull();
        SQLException sql = SpringReaders.sqlCause(failure);
        String stack = SpringReaders.stackTrace(failure);
        assertThat((Throwable) sql).as("the SQLException under %s", stack).isNotNull();
        assertThat(sql.getSQLState()).as("SQLSTATE of %s", stack).startsWith("08");
        assertThat(sql.getMessage()).contains(HOST + ":" + PRIMARY_PORT);
        assertThat(millis).as("write failed fast").isLessThan(3_000);

        // outside a transaction JdbcTemplate has no rollback to fail: the DataAccessException's cause is lb-jdbc's
        t0 = System.nanoTime();
        Throwable outside = null;
        try {
            new JdbcTemplate(ds).update("INSERT INTO " + table + " (v, server_id) VALUES ('while-down', @@server_id)");
        } catch (RuntimeException e) {
            outside = e;
        }
        millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(outside).as("a JdbcTemplate write while the primary is down").isInstanceOf(DataAccessResourceFailureException.class);
        assertThat(outside.getCause()).isInstanceOf(SQLException.class).hasMessageContaining(HOST + ":" + PRIMARY_PORT);
        assertThat(((SQLException) outside.getCause()).getSQLState()).startsWith("08");
        assertThat(millis).as("JdbcTemplate write failed fast").isLessThan(3_000);
    }

    @Test
    void aKilledReplicaFailsAtMostTheReadOnlyTransactionsInFlightOnItAndComesBackAfterARestart() throws Exception {
        HikariDataSource viaUrl = hikariOverLbUrl("-url");
        HikariDataSource viaRouting = hikariOverRouting();
        SpringReaders urlReaders = readers("url", viaUrl);
        SpringReaders routingReaders = readers("routing", viaRouting);
        assertThat(Cluster.await(10_000, () -> urlReaders.reads(3) > 20 && routingReaders.reads(3) > 20))
                .as("both replicas serve reads before the kill").isTrue();

        Cluster.script("kill", "replica2");
        long killedAt = System.nanoTime();
        Thread.sleep(1_000);
        Map<Long, Long> urlAfterOneSecond = urlReaders.snapshot();
        Map<Long, Long> routingAfterOneSecond = routingReaders.snapshot();
        long oneSecondAfterKill = System.nanoTime();
        Thread.sleep(2_000);
        long failuresAfterFirstSecond = urlReaders.failuresAfter(oneSecondAfterKill) + routingReaders.failuresAfter(oneSecondAfterKill);
        long urlFailures = urlReaders.failuresAfter(0);
        long routingFailures = routingReaders.failuresAfter(0);
        assertThat(urlReaders.reads(2) - urlAfterOneSecond.getOrDefault(2L, 0L)).as("replica1 reads via the URL").isGreaterThan(50);
        assertThat(routingReaders.reads(2) - routingAfterOneSecond.getOrDefault(2L, 0L)).as("replica1 reads via routing").isGreaterThan(50);
        assertThat(urlReaders.reads(3)).as("no read on the dead replica2 after the first second")
                .isEqualTo(urlAfterOneSecond.getOrDefault(3L, 0L));
        assertThat(routingReaders.reads(3)).isEqualTo(routingAfterOneSecond.getOrDefault(3L, 0L));

        Cluster.script("restart", "replica2");
        long restartedAt = System.nanoTime();
        long urlBefore = urlReaders.reads(3);
        long routingBefore = routingReaders.reads(3);
        boolean back = Cluster.await(20_000, () -> urlReaders.reads(3) > urlBefore + 20 && routingReaders.reads(3) > routingBefore + 20);
        long backMillis = (System.nanoTime() - restartedAt) / 1_000_000;
        urlReaders.close();
        routingReaders.close();

        System.out.printf("replica2 killed: via URL %s, %d failed; via Hikari over routing %s, %d failed; back %d ms after restart%n"
                + "  %s%n  %s%n", urlReaders.snapshot(), urlFailures, routingReaders.snapshot(), routingFailures, backMillis,
                urlReaders.failures, routingReaders.failures);
        assertThat(urlFailures).as("read-only transactions lost in flight via jdbc:lb:, first: %s", urlReaders.firstFailure.get())
                .isLessThanOrEqualTo(SpringReaders.READERS);
        assertThat(routingFailures).as("read-only transactions lost in flight via routing, first: %s", routingReaders.firstFailure.get())
                .isLessThanOrEqualTo(SpringReaders.READERS);
        assertThat(failuresAfterFirstSecond).as("failures later than one second after the kill").isZero();
        assertThat(urlReaders.failuresAfter(killedAt + 3_000_000_000L) + routingReaders.failuresAfter(killedAt + 3_000_000_000L))
                .as("failures after the restart").isZero();
        assertThat(back).as("replica2 serves reads again through both pools after its restart").isTrue();
        urlReaders.assertEveryFailureIsSqlState08();
        routingReaders.assertEveryFailureIsSqlState08();
        assertThat(urlReaders.reads(PRIMARY_ID) + routingReaders.reads(PRIMARY_ID)).as("reads on the primary").isZero();
    }

    @Test
    void primaryAndAReplicaKilledAtOnceLeaveReadsOnTheLastReplicaAndWritesFailFastUntilTheyAreBack() throws Exception {
        HikariDataSource viaUrl = hikariOverLbUrl("-url");
        HikariDataSource viaRouting = hikariOverRouting();
        assertThat(write(viaUrl, "before")).isEqualTo(PRIMARY_ID); // pooled connections on the primary too
        assertThat(write(viaRouting, "before")).isEqualTo(PRIMARY_ID);
        SpringReaders urlReaders = readers("url2", viaUrl);
        SpringReaders routingReaders = readers("routing2", viaRouting);
        assertThat(Cluster.await(10_000, () -> urlReaders.reads(3) > 20 && routingReaders.reads(3) > 20)).isTrue();

        killAtOnce("primary", "replica2");
        long killedAt = System.nanoTime();

        assertWriteFailsFastNamingThePrimary(viaUrl);
        assertWriteFailsFastNamingThePrimary(viaRouting);
        while (System.nanoTime() - killedAt < 1_000_000_000L) {
            Thread.sleep(50);
        }
        Map<Long, Long> urlAfterOneSecond = urlReaders.snapshot();
        Map<Long, Long> routingAfterOneSecond = routingReaders.snapshot();
        long oneSecondAfterKill = System.nanoTime();
        Thread.sleep(2_000);
        assertThat(urlReaders.reads(2) - urlAfterOneSecond.getOrDefault(2L, 0L)).as("replica1 reads via the URL").isGreaterThan(50);
        assertThat(routingReaders.reads(2) - routingAfterOneSecond.getOrDefault(2L, 0L)).as("replica1 reads via routing").isGreaterThan(50);
        assertThat(urlReaders.failuresAfter(oneSecondAfterKill) + routingReaders.failuresAfter(oneSecondAfterKill))
                .as("read-only transactions failed later than one second after the kills, first: %s / %s",
                        urlReaders.firstFailure.get(), routingReaders.firstFailure.get()).isZero();
        assertThat(urlReaders.failuresAfter(0)).as("lost in flight via jdbc:lb:, first: %s", urlReaders.firstFailure.get())
                .isLessThanOrEqualTo(SpringReaders.READERS);
        assertThat(routingReaders.failuresAfter(0)).as("lost in flight via routing, first: %s", routingReaders.firstFailure.get())
                .isLessThanOrEqualTo(SpringReaders.READERS);
        assertWriteFailsFastNamingThePrimary(viaUrl); // still failing fast once the primary is known down
        assertWriteFailsFastNamingThePrimary(viaRouting);

        Cluster.script("restart", "primary");
        Cluster.script("restart", "replica2");
        assertThat(writeUntilItWorks(viaUrl, "after-restart", 15_000)).isEqualTo(PRIMARY_ID);
        assertThat(writeUntilItWorks(viaRouting, "after-restart", 15_000)).isEqualTo(PRIMARY_ID);
        long urlBefore = urlReaders.reads(3);
        long routingBefore = routingReaders.reads(3);
        assertThat(Cluster.await(20_000, () -> urlReaders.reads(3) > urlBefore + 20 && routingReaders.reads(3) > routingBefore + 20))
                .as("replica2 serves reads again after its restart").isTrue();
        urlReaders.close();
        routingReaders.close();
        System.out.printf("primary and replica2 killed: via URL %s, %d failed; via routing %s, %d failed%n  %s%n  %s%n",
                urlReaders.snapshot(), urlReaders.failuresAfter(0), routingReaders.snapshot(), routingReaders.failuresAfter(0),
                urlReaders.failures, routingReaders.failures);
        assertThat(Long.parseLong(Cluster.queryString(PRIMARY_PORT, "SELECT COUNT(*) FROM " + table + " WHERE v = 'after-restart'")))
                .isEqualTo(2);
    }

    @Test
    void bothReplicasKilledAtOnceSendReadOnlyTransactionsToThePrimaryUntilTheyAreBack() throws Exception {
        HikariDataSource viaUrl = hikariOverLbUrl("-url3");
        HikariDataSource viaRouting = hikariOverRouting();
        SpringReaders urlReaders = readers("url3", viaUrl);
        SpringReaders routingReaders = readers("routing3", viaRouting);
        assertThat(Cluster.await(10_000, () -> urlReaders.reads(3) > 20 && routingReaders.reads(3) > 20)).isTrue();

        killAtOnce("replica1", "replica2");
        long killedAt = System.nanoTime();
        while (System.nanoTime() - killedAt < 1_000_000_000L) {
            Thread.sleep(50);
        }
        long urlOnPrimary = urlReaders.reads(PRIMARY_ID);
        long routingOnPrimary = routingReaders.reads(PRIMARY_ID);
        long oneSecondAfterKill = System.nanoTime();
        Thread.sleep(2_000);
        long failuresLater = urlReaders.failuresAfter(oneSecondAfterKill) + routingReaders.failuresAfter(oneSecondAfterKill);
        long urlFailures = urlReaders.failuresAfter(0);
        long routingFailures = routingReaders.failuresAfter(0);
        long urlPrimaryReads = urlReaders.reads(PRIMARY_ID) - urlOnPrimary;
        long routingPrimaryReads = routingReaders.reads(PRIMARY_ID) - routingOnPrimary;
        assertThat(write(viaUrl, "replicas-down")).as("writes go on").isEqualTo(PRIMARY_ID);

        Cluster.script("restart", "replica1");
        Cluster.script("restart", "replica2");
        long before2 = urlReaders.reads(2) + routingReaders.reads(2);
        long before3 = urlReaders.reads(3) + routingReaders.reads(3);
        boolean back = Cluster.await(20_000, () -> urlReaders.reads(2) + routingReaders.reads(2) > before2 + 40
                && urlReaders.reads(3) + routingReaders.reads(3) > before3 + 40);
        urlReaders.close();
        routingReaders.close();

        System.out.printf("both replicas killed: via URL %s, %d failed; via routing %s, %d failed%n  %s%n  %s%n", urlReaders.snapshot(),
                urlFailures, routingReaders.snapshot(), routingFailures, urlReaders.failures, routingReaders.failures);
        assertThat(urlPrimaryReads).as("read-only transactions on the primary via jdbc:lb: (readFromPrimaryWhenNoReplicas)")
                .isGreaterThan(50);
        assertThat(routingPrimaryReads).as("read-only transactions on the primary via routing").isGreaterThan(50);
        assertThat(failuresLater).as("failures later than one second after the kills, first: %s / %s",
                urlReaders.firstFailure.get(), routingReaders.firstFailure.get()).isZero();
        assertThat(urlFailures).as("lost in flight via jdbc:lb:, first: %s", urlReaders.firstFailure.get()).isLessThanOrEqualTo(SpringReaders.READERS);
        assertThat(routingFailures).as("lost in flight via routing, first: %s", routingReaders.firstFailure.get())
                .isLessThanOrEqualTo(SpringReaders.READERS);
        assertThat(back).as("both replicas serve reads again after their restart").isTrue();
        urlReaders.assertEveryFailureIsSqlState08();
        routingReaders.assertEveryFailureIsSqlState08();
    }

    @Test
    void afterThePrimaryAndAReplicaDieAtOnceWritesFollowAPromotedReplicaThroughTheSamePools() throws Exception {
        HikariDataSource viaUrl = hikariOverLbUrl("-promo");
        HikariDataSource viaRouting = hikariOverRouting();
        assertThat(write(viaUrl, "before")).isEqualTo(PRIMARY_ID);
        assertThat(write(viaRouting, "before")).isEqualTo(PRIMARY_ID);
        SpringReaders urlReaders = readers("url4", viaUrl);
        SpringReaders routingReaders = readers("routing4", viaRouting);
        assertThat(Cluster.await(10_000, () -> urlReaders.reads(2) > 20 && routingReaders.reads(2) > 20)).isTrue();
        Cluster.awaitReplicasInSync();
        topologyChanged = true;

        killAtOnce("primary", "replica2");
        assertWriteFailsFastNamingThePrimary(viaUrl);
        Cluster.script("promote", "replica1");
        long promoted = System.nanoTime();
        long viaUrlWriter = writeUntilItWorks(viaUrl, "after-promotion", 5_000);
        long viaRoutingWriter = writeUntilItWorks(viaRouting, "after-promotion", 5_000);
        long resumedMillis = (System.nanoTime() - promoted) / 1_000_000;
        Cluster.script("restart", "replica2", "--replica-of", "replica1");
        long urlBefore = urlReaders.reads(3);
        long routingBefore = routingReaders.reads(3);
        boolean replica2Back = Cluster.await(20_000, () -> urlReaders.reads(3) > urlBefore + 20 && routingReaders.reads(3) > routingBefore + 20);
        urlReaders.close();
        routingReaders.close();

        System.out.printf("primary and replica2 killed, replica1 promoted: writes resumed within %d ms; via URL %s, %d failed;"
                        + " via routing %s, %d failed%n  %s%n  %s%n", resumedMillis, urlReaders.snapshot(), urlReaders.failuresAfter(0),
                routingReaders.snapshot(), routingReaders.failuresAfter(0), urlReaders.failures, routingReaders.failures);
        assertThat(viaUrlWriter).as("writes through HikariCP over jdbc:lb: went to the promoted replica1").isEqualTo(2);
        assertThat(viaRoutingWriter).as("writes through HikariCP over the routing").isEqualTo(2);
        assertThat(Long.parseLong(Cluster.queryString(REPLICA1_PORT, "SELECT COUNT(*) FROM " + table
                + " WHERE v = 'after-promotion' AND server_id = 2"))).isEqualTo(2);
        assertThat(urlReaders.failuresAfter(promoted)).as("read-only transactions failed after the promotion").isZero();
        assertThat(routingReaders.failuresAfter(promoted)).isZero();
        assertThat(replica2Back).as("replica2, restarted as a replica of replica1, serves reads again").isTrue();
    }

    @Test
    void hikariStartedWhileThePrimaryIsDownServesReadOnlyTransactionsAndWritesOnceItIsBack() throws Exception {
        Cluster.script("kill", "primary");

        HikariDataSource viaUrl = hikariOverLbUrl("-late"); // Hikari's first connection is set up with the primary down
        HikariDataSource viaRouting = hikariOverRouting();
        JdbcTemplate urlJdbc = new JdbcTemplate(viaUrl);
        JdbcTemplate routingJdbc = new JdbcTemplate(viaRouting);
        for (int i = 0; i < 10; i++) {
            Long viaUrlId = readOnly(viaUrl).execute(status -> urlJdbc.queryForObject("SELECT @@server_id", Long.class));
            Long viaRoutingId = readOnly(viaRouting).execute(status -> routingJdbc.queryForObject("SELECT @@server_id", Long.class));
            assertThat(viaUrlId).isIn(2L, 3L);
            assertThat(viaRoutingId).isIn(2L, 3L);
        }
        assertWriteFailsFastNamingThePrimary(viaUrl);
        assertWriteFailsFastNamingThePrimary(viaRouting);

        Cluster.script("restart", "primary");

        assertThat(writeUntilItWorks(viaUrl, "late", 15_000)).isEqualTo(PRIMARY_ID);
        assertThat(writeUntilItWorks(viaRouting, "late", 15_000)).isEqualTo(PRIMARY_ID);
    }

    /**
     * SIGKILLs the mariadbd of every node in {@code nodes} back to back (microseconds apart; the script's {@code kill}
     * takes a lock per call), then waits until all are gone. The pids come from the script's pid files
     * ({@code $LB4J_MARIADB_DIR/<node>/mariadbd.pid}), checked to be a mariadbd on that node's data directory.
     */
    static void killAtOnce(String... nodes) throws Exception {
        String base = System.getenv().getOrDefault("LB4J_MARIADB_DIR", "/tmp/lb4j-mariadb");
        List<ProcessHandle> victims = new ArrayList<>();
        for (String node : nodes) {
            long pid = Long.parseLong(java.nio.file.Files.readString(java.nio.file.Path.of(base, node, "mariadbd.pid")).trim());
            ProcessHandle p = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(node + " (pid " + pid + ") is not running"));
            String cmdline = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", String.valueOf(pid), "cmdline")).replace('\0', ' ');
            assertThat(cmdline).as("pid %d is %s's mariadbd", pid, node).contains("--datadir=" + base + "/" + node + "/data");
            victims.add(p);
        }
        for (ProcessHandle p : victims) {
            p.destroyForcibly(); // SIGKILL
        }
        for (ProcessHandle p : victims) {
            p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
