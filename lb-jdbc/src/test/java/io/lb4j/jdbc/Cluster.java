package io.lb4j.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The real MariaDB cluster the tests run against (lb-jdbc/scripts/mariadb-replicas.sh): host, ports, user,
 * password and database from system properties or environment variables {@code LB4J_DB_HOST},
 * {@code LB4J_DB_PRIMARY_PORT}, {@code LB4J_DB_REPLICA1_PORT}, {@code LB4J_DB_REPLICA2_PORT},
 * {@code LB4J_DB_USER}, {@code LB4J_DB_PASSWORD}, {@code LB4J_DB_NAME}, with the script's defaults.
 * When it is unreachable, tests are skipped, except under {@code CI=true} where they fail.
 */
final class Cluster {
    static final String HOST = config("LB4J_DB_HOST", "127.0.0.1");
    static final int PRIMARY_PORT = Integer.parseInt(config("LB4J_DB_PRIMARY_PORT", "33061"));
    static final int REPLICA1_PORT = Integer.parseInt(config("LB4J_DB_REPLICA1_PORT", "33062"));
    static final int REPLICA2_PORT = Integer.parseInt(config("LB4J_DB_REPLICA2_PORT", "33063"));
    static final String USER = config("LB4J_DB_USER", "lb4j");
    static final String PASSWORD = config("LB4J_DB_PASSWORD", "lb4j-secret");
    static final String DATABASE = config("LB4J_DB_NAME", "lb4j_test");
    static final int PRIMARY_ID = 1;
    /** Driver options for every test connection (no SSL on loopback, short timeouts). */
    static final String OPTIONS = "sslMode=DISABLED&allowPublicKeyRetrieval=true&connectTimeout=2000&socketTimeout=15000";

    private static volatile String unreachable;
    private static volatile boolean checked;

    private Cluster() {
    }

    private static String config(String name, String fallback) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Skips the calling test when the cluster is unreachable, or fails it under CI=true. */
    static void require() {
        if (!checked) {
            synchronized (Cluster.class) {
                if (!checked) {
                    unreachable = probe();
                    checked = true;
                }
            }
        }
        if (unreachable != null) {
            String msg = "MariaDB test cluster unreachable at " + HOST + ":" + PRIMARY_PORT + "/" + REPLICA1_PORT + "/"
                    + REPLICA2_PORT + " (start it with lb-jdbc/scripts/mariadb-replicas.sh up): " + unreachable;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg);
        }
    }

    private static String probe() {
        for (int port : new int[]{PRIMARY_PORT, REPLICA1_PORT, REPLICA2_PORT}) {
            try (Connection c = direct(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
            } catch (SQLException e) {
                return "port " + port + ": " + e.getMessage();
            }
        }
        return null;
    }

    static String url(int port) {
        return "jdbc:mysql://" + HOST + ":" + port + "/" + DATABASE + "?" + OPTIONS;
    }

    static Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return p;
    }

    static Connection direct(int port) throws SQLException {
        return DriverManager.getConnection(url(port), credentials());
    }

    /** A small HikariCP pool for one node, as a user would build it (fails fast, does not pre-fill). */
    static HikariDataSource pool(String name, int port) {
        return pool(name, port, 10);
    }

    static HikariDataSource pool(String name, int port, int maxSize) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("test-" + name);
        c.setJdbcUrl(url(port));
        c.setUsername(USER);
        c.setPassword(PASSWORD);
        c.setMaximumPoolSize(maxSize);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(1000);
        c.setValidationTimeout(250);
        c.setInitializationFailTimeout(-1);
        return new HikariDataSource(c);
    }

    static long serverId(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void execute(int port, String... sql) throws SQLException {
        try (Connection c = direct(port); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    static String queryString(int port, String sql) throws SQLException {
        try (Connection c = direct(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Waits until both replicas have applied everything the primary has written. */
    static void awaitReplicasInSync() throws SQLException {
        String pos = queryString(PRIMARY_PORT, "SELECT @@gtid_binlog_pos");
        for (int port : new int[]{REPLICA1_PORT, REPLICA2_PORT}) {
            String r = queryString(port, "SELECT MASTER_GTID_WAIT('" + pos + "', 30)");
            if (!"0".equals(r)) {
                throw new IllegalStateException("replica on port " + port + " did not reach " + pos + " in 30s: " + r);
            }
        }
    }

    /** Sets a replica's MASTER_DELAY (restarting replication) and waits until its threads run again. */
    static void delayReplication(int port, int seconds) throws SQLException, InterruptedException {
        execute(port, "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY=" + seconds, "START SLAVE");
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!threadsRunning(port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replica on port " + port + " did not restart replication in 15s");
            }
            Thread.sleep(50);
        }
    }

    private static boolean threadsRunning(int port) throws SQLException {
        try (Connection c = direct(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() && "Yes".equals(rs.getString("Slave_IO_Running")) && "Yes".equals(rs.getString("Slave_SQL_Running"))
                    && rs.getString("Seconds_Behind_Master") != null;
        }
    }

    /**
     * Runs {@code lb-jdbc/scripts/mariadb-replicas.sh} with {@code args} (kill, restart, promote, repoint, up) and
     * fails with its output when it exits non-zero or takes longer than 120 s.
     */
    static void script(String... args) throws IOException, InterruptedException {
        Path script = Path.of("scripts/mariadb-replicas.sh");
        if (!Files.exists(script)) {
            script = Path.of("lb-jdbc/scripts/mariadb-replicas.sh");
        }
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("lb4j-cluster-script", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 120 s: " + Files.readString(out));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + Files.readString(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeoutMillis} passed; returns whether it held. */
    static boolean await(long timeoutMillis, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Restarts replication on a replica with no delay. */
    static void restoreReplication(int port) throws SQLException {
        execute(port, "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY=0", "START SLAVE");
    }

    /**
     * Waits (at most 15 s) until both replicas replicate (IO and SQL threads running, lag 0) and have
     * applied everything the primary wrote, so that every test starts from a healthy cluster.
     */
    static void awaitHealthyReplication() throws SQLException, InterruptedException {
        awaitHealthyReplication(1);
    }

    /** As {@link #awaitHealthyReplication()}, with {@code idleReadings} readings 100 ms apart (3 after a restart). */
    static void awaitHealthyReplication(int idleReadings) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        awaitReplicasInSync();
        for (int port : new int[]{REPLICA1_PORT, REPLICA2_PORT}) {
            // three idle readings in a row: right after START SLAVE, MariaDB briefly reports a lag as long as
            // the primary's uptime while it replays the primary's format description event
            int idle = 0;
            while (true) {
                idle = replicating(port) ? idle + 1 : 0;
                if (idle >= idleReadings) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replica on port " + port + " is not replicating idle after 15s");
                }
                Thread.sleep(100);
            }
        }
    }

    private static boolean replicating(int port) throws SQLException {
        try (Connection c = direct(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return false;
            }
            String lag = rs.getString("Seconds_Behind_Master");
            return "Yes".equals(rs.getString("Slave_IO_Running")) && "Yes".equals(rs.getString("Slave_SQL_Running"))
                    && "0".equals(lag) && rs.getLong("SQL_Delay") == 0
                    && String.valueOf(rs.getString("Slave_SQL_Running_State")).contains("read all relay log");
        }
    }
}
