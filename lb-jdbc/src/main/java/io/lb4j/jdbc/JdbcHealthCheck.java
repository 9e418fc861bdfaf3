package io.lb4j.jdbc;

import io.lb4j.api.HealthCheck;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.Server;
import io.lb4j.api.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The JDBC active health probe: borrows a connection from the server's {@link DataSource}, runs
 * {@code SELECT 1} with a query timeout and, for replicas, reads {@code SHOW REPLICA STATUS} (falling back to
 * {@code SHOW SLAVE STATUS} on servers older than MariaDB 10.5 / MySQL 8.0.22). A replica fails the probe
 * when its SQL thread is not running or reports an error ({@code Last_SQL_Errno}), when its IO thread is
 * stopped ({@code No}), when {@code Seconds_Behind_Master} exceeds {@code maxLag}, or when replication is not
 * configured at all. The pool's rise/fall turn probe results into ejection and recovery.
 *
 * <p>A replica whose IO thread is only reconnecting ({@code Connecting}: its source is gone) while its SQL
 * thread runs has applied everything it received; it does not depend on the primary being alive. Its lag
 * is then unknown but bounded: the lag it last had plus the time since the probe first saw the IO thread
 * reconnecting. While the primary is known down that replica passes under
 * {@link ReadsWhenPrimaryDown#SERVE_STALE} (reads go on, stale) and fails under
 * {@link ReadsWhenPrimaryDown#FAIL}; while the primary is up (only this replica lost it), {@code maxLag}
 * applies to that growing lag. Likewise a node that no longer replicates but is writable while the primary is known
 * down (a promoted replica, before the role probes move writes to it) passes under {@code SERVE_STALE}.
 *
 * <p>Each probe sets the connection's network timeout to the probe timeout, so a server that stops
 * answering cannot block a probe thread. When the server's own connection pool has no free connection in
 * time (a {@code SQLTransientConnectionException} without SQLSTATE and cause, as HikariCP throws) the probe
 * <em>passes</em> with detail {@code pool busy}: the server was not asked, and a busy application must not
 * eject a healthy replica. Only real connection failures fail the probe.
 *
 * <p>The replication probe needs the {@code REPLICA MONITOR} (MariaDB 10.5+) or {@code REPLICATION CLIENT}
 * privilege; without it every probe fails and says so.
 *
 * <p>Every change of a server's verdict (ok, lagging, stopped, unreachable) is logged once, when it
 * changes. The last lag seen per server is kept for {@link #lagSeconds(String)}.
 *
 * <p>Thread-safe: probes of different servers run concurrently.
 */
public final class JdbcHealthCheck implements HealthCheck {
    private static final Logger log = LoggerFactory.getLogger(JdbcHealthCheck.class);

    /** The largest {@code maxLag} the constructor accepts. */
    public static final Duration MAX_LAG = Duration.ofDays(1);
    /** Probe timeouts longer than this are clamped to it (a probe never needs more). */
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private final String name;
    private final Function<String, DataSource> dataSources;
    private final boolean replicationCheck;
    private final Duration maxLag;
    private final Map<String, Long> lags = new ConcurrentHashMap<>();
    private final Map<String, String> verdicts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> legacySyntax = new ConcurrentHashMap<>();
    /** Per server: {ticker nanos when its IO thread was first seen reconnecting, lag in seconds it had then}. */
    private final Map<String, long[]> sourceLost = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final BooleanSupplier primaryDown;
    private final ReadsWhenPrimaryDown readsWhenPrimaryDown;

    /**
     * @param name             used in log lines (the routing data source's name)
     * @param dataSources      the data source of each server id; returning null fails the probe
     * @param replicationCheck whether to check replication threads and lag (replicas) or only {@code SELECT 1}
     * @param maxLag           the largest acceptable {@code Seconds_Behind_Master}; null for no limit
     */
    public JdbcHealthCheck(String name, Function<String, DataSource> dataSources, boolean replicationCheck, Duration maxLag) {
        this(name, dataSources, replicationCheck, maxLag, Ticker.system(), () -> false, ReadsWhenPrimaryDown.SERVE_STALE);
    }

    /**
     * @param ticker               the clock for the lag of a replica whose IO thread reconnects
     * @param primaryDown          whether the primary is known down now (its probes fail)
     * @param readsWhenPrimaryDown what such a replica does while the primary is known down
     */
    JdbcHealthCheck(String name, Function<String, DataSource> dataSources, boolean replicationCheck, Duration maxLag,
                    Ticker ticker, BooleanSupplier primaryDown, ReadsWhenPrimaryDown readsWhenPrimaryDown) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was " + name);
        }
        if (dataSources == null) {
            throw new IllegalArgumentException("dataSources must not be null");
        }
        if (maxLag != null && (maxLag.isNegative() || maxLag.compareTo(MAX_LAG) > 0)) {
            throw new IllegalArgumentException("maxLag must be null (no limit) or 0 to " + MAX_LAG + ", was " + maxLag);
        }
        this.name = name;
        this.dataSources = dataSources;
        this.replicationCheck = replicationCheck;
        this.maxLag = maxLag;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.primaryDown = Objects.requireNonNull(primaryDown, "primaryDown");
        this.readsWhenPrimaryDown = Objects.requireNonNull(readsWhenPrimaryDown, "readsWhenPrimaryDown");
    }

    @Override
    public HealthCheckResult check(Server server, Duration timeout) {
        if (server == null) {
            throw new IllegalArgumentException("server must not be null");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be a positive duration, was " + timeout);
        }
        HealthCheckResult r = probe(server, timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout);
        boolean stale = r.healthy() && r.detail().startsWith("IO thread reconnecting");
        String kind = stale ? (r.detail().contains("primary down") ? "stale, primary down" : "stale")
                : r.healthy() ? "ok" : r.detail().replaceAll("[0-9]+", "#");
        String before = verdicts.put(server.id(), kind);
        if (!kind.equals(before)) {
            if (stale) {
                log.warn("{}: {} lost its replication source and stays readable: {}", name, server.id(), r.detail());
            } else if (r.healthy()) {
                if (before != null) {
                    log.info("{}: {} is healthy again ({})", name, server.id(), r.detail());
                }
            } else {
                log.warn("{}: {} failed its health probe: {}", name, server.id(), r.detail());
            }
        }
        return r;
    }

    private HealthCheckResult probe(Server server, Duration timeout) {
        DataSource ds = dataSources.apply(server.id());
        if (ds == null) {
            return HealthCheckResult.fail("no data source for " + server.id());
        }
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Connection c;
        try {
            c = ds.getConnection();
        } catch (SQLException e) {
            if (Errors.isPoolTimeout(e)) {
                // The server's client-side pool had no free connection in time (HikariCP's "Connection is
                // not available": no SQLSTATE, no cause). That says the application is busy, not that the
                // server is down; the HealthCheck SPI has only pass and fail, so this counts as a pass
                // (the last verdict on replication lag stays as it was).
                return HealthCheckResult.pass("pool busy, server not probed: " + Errors.describe(e));
            }
            lags.remove(server.id());
            return HealthCheckResult.fail("unreachable: " + Errors.describe(e));
        }
        if (c == null) {
            lags.remove(server.id());
            return HealthCheckResult.fail("unreachable: the data source of " + server.id() + " returned no connection");
        }
        try (Connection conn = c) {
            try {
                // a server that accepts the TCP connection and then says nothing must not hold this probe
                // thread forever: the query timeout alone needs a live server to deliver KILL QUERY
                conn.setNetworkTimeout(Runnable::run, millis);
            } catch (SQLFeatureNotSupportedException e) {
                // the driver cannot: the query timeout is all there is
            }
            try (Statement st = conn.createStatement()) {
                st.setQueryTimeout(seconds);
                try (ResultSet rs = st.executeQuery("SELECT 1")) {
                    if (!rs.next()) {
                        return HealthCheckResult.fail("SELECT 1 returned no row");
                    }
                }
                if (!replicationCheck) {
                    return HealthCheckResult.pass("SELECT 1 ok");
                }
                return replication(server, st);
            }
        } catch (SQLException e) {
            lags.remove(server.id());
            return HealthCheckResult.fail("unreachable: " + Errors.describe(e));
        }
    }

    private HealthCheckResult replication(Server server, Statement st) throws SQLException {
        String id = server.id();
        Boolean legacy = legacySyntax.get(id);
        ResultSet rs;
        if (legacy == null || !legacy) {
            try {
                rs = st.executeQuery("SHOW REPLICA STATUS");
                legacySyntax.put(id, false);
            } catch (SQLException e) {
                if (legacy != null || !isSyntaxError(e)) {
                    throw e;
                }
                legacySyntax.put(id, true);
                rs = st.executeQuery("SHOW SLAVE STATUS");
            }
        } else {
            rs = st.executeQuery("SHOW SLAVE STATUS");
        }
        try (ResultSet status = rs) {
            ResultSetMetaData md = status.getMetaData();
            int io = column(md, "Slave_IO_Running", "Replica_IO_Running");
            int sql = column(md, "Slave_SQL_Running", "Replica_SQL_Running");
            int lag = column(md, "Seconds_Behind_Master", "Seconds_Behind_Source");
            int sqlErrno = column(md, "Last_SQL_Errno");
            int sqlError = column(md, "Last_SQL_Error");
            int rows = 0;
            long worst = 0;
            boolean reconnecting = false;
            while (status.next()) {
                rows++;
                String ioState = io > 0 ? status.getString(io) : null;
                String sqlState = sql > 0 ? status.getString(sql) : null;
                long errno = sqlErrno > 0 ? status.getLong(sqlErrno) : 0;
                if (errno != 0) {
                    lags.remove(id);
                    return HealthCheckResult.fail("replication error " + errno + ": "
                            + (sqlError > 0 ? String.valueOf(status.getString(sqlError)) : "(no message)"));
                }
                boolean ioReconnecting = "Connecting".equalsIgnoreCase(ioState) || "Preparing".equalsIgnoreCase(ioState);
                if (!"Yes".equalsIgnoreCase(sqlState) || !("Yes".equalsIgnoreCase(ioState) || ioReconnecting)) {
                    lags.remove(id);
                    sourceLost.remove(id);
                    return HealthCheckResult.fail("replication stopped: IO thread " + ioState + ", SQL thread " + sqlState);
                }
                if (ioReconnecting) {
                    reconnecting = true;
                    continue;
                }
                long seconds = lag > 0 ? status.getLong(lag) : 0;
                if (lag > 0 && status.wasNull()) {
                    lags.remove(id);
                    return HealthCheckResult.fail("replication not running: Seconds_Behind_Master is NULL");
                }
                worst = Math.max(worst, seconds);
            }
            if (rows == 0) {
                lags.remove(id);
                sourceLost.remove(id);
                return notAReplica(st);
            }
            if (reconnecting) {
                return reconnecting(id, worst);
            }
            sourceLost.remove(id);
            lags.put(id, worst);
            if (maxLag != null && worst > 0 && Duration.ofSeconds(worst).compareTo(maxLag) > 0) {
                return HealthCheckResult.fail("replication lag " + worst + "s > maxLag " + maxLag.getSeconds() + "s");
            }
            return HealthCheckResult.pass("replicating, lag " + worst + "s");
        }
    }

    /**
     * A node that does not replicate. While the primary is known down, one that is writable was promoted: it has
     * the newest data, so under {@link ReadsWhenPrimaryDown#SERVE_STALE} it keeps serving reads until the role
     * probes move writes to it (then it leaves the replicas); otherwise, with no replica left, reads would fail
     * in between. Anything else fails.
     */
    private HealthCheckResult notAReplica(Statement st) throws SQLException {
        if (primaryDown.getAsBoolean() && readsWhenPrimaryDown == ReadsWhenPrimaryDown.SERVE_STALE) {
            try (ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
                if (rs.next() && !rs.getBoolean(1)) {
                    return HealthCheckResult.pass("not a replica but writable while the primary is down (promoted): serving reads");
                }
            }
        }
        return HealthCheckResult.fail("not a replica: SHOW REPLICA STATUS is empty");
    }

    /** The IO thread reconnects, the SQL thread runs: lag unknown but bounded (see the class comment). */
    private HealthCheckResult reconnecting(String id, long otherChannelsLag) {
        long now = ticker.read();
        Long before = lags.get(id);
        long[] lost = sourceLost.computeIfAbsent(id, k -> new long[]{now, before == null ? 0 : before});
        long seconds = Math.max(otherChannelsLag, lost[1] + Math.max(0, now - lost[0]) / 1_000_000_000L);
        lags.put(id, seconds);
        if (primaryDown.getAsBoolean()) {
            if (readsWhenPrimaryDown == ReadsWhenPrimaryDown.FAIL) {
                return HealthCheckResult.fail("IO thread reconnecting, primary down and readsWhenPrimaryDown=fail");
            }
            return HealthCheckResult.pass("IO thread reconnecting, primary down: serving stale reads (lag >= " + seconds + "s)");
        }
        if (maxLag != null && seconds > 0 && Duration.ofSeconds(seconds).compareTo(maxLag) > 0) {
            return HealthCheckResult.fail("IO thread reconnecting for " + seconds + "s > maxLag " + maxLag.getSeconds() + "s");
        }
        return HealthCheckResult.pass("IO thread reconnecting, lag >= " + seconds + "s");
    }

    private static boolean isSyntaxError(SQLException e) {
        return e.getErrorCode() == 1064 || "42000".equals(e.getSQLState());
    }

    private static int column(ResultSetMetaData md, String... names) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String label = md.getColumnLabel(i);
            for (String n : names) {
                if (n.equalsIgnoreCase(label)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The replication lag the last probe of {@code serverId} read, in seconds; -1 when unknown or not replicating. */
    public long lagSeconds(String serverId) {
        Long l = lags.get(serverId);
        return l == null ? -1 : l;
    }

    /** The maximum acceptable lag, or null for none. */
    public Duration maxLag() {
        return maxLag;
    }

    @Override
    public String toString() {
        return "JdbcHealthCheck[" + name + (replicationCheck ? ", replication, maxLag=" + maxLag : ", SELECT 1") + "]";
    }
}
