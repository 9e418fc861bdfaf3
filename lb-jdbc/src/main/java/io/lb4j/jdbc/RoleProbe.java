package io.lb4j.jdbc;

import io.lb4j.api.Ticker;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Probes one node's role for the {@link Topology}: {@code SELECT @@global.read_only}, then
 * {@code SHOW REPLICA STATUS} (or {@code SHOW SLAVE STATUS} on servers that do not know the new syntax),
 * with the network timeout and query timeout set to the probe timeout. Needs the {@code REPLICA MONITOR} /
 * {@code REPLICATION CLIENT} privilege, like the replicas' health probe.
 *
 * <p>Stateless and thread-safe.
 */
final class RoleProbe {
    private RoleProbe() {
    }

    /**
     * @return the role, or null when nothing was learnt: the node's own pool had no free connection, or the
     *         node refused a query for another reason than a connection failure (e.g. a missing privilege)
     */
    static NodeRole probe(DataSource ds, Duration timeout, Ticker ticker) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        int seconds = Math.max(1, (millis + 999) / 1000);
        Connection c;
        try {
            c = ds.getConnection();
        } catch (SQLException e) {
            if (Errors.isPoolTimeout(e)) {
                return null;
            }
            return NodeRole.unreachable("unreachable: " + Errors.describe(e), ticker.read());
        } catch (RuntimeException e) {
            return NodeRole.unreachable("unreachable: " + e, ticker.read());
        }
        if (c == null) {
            return NodeRole.unreachable("unreachable: its data source returned no connection", ticker.read());
        }
        try (Connection conn = c; Statement st = conn.createStatement()) {
            try {
                conn.setNetworkTimeout(Runnable::run, millis);
            } catch (SQLFeatureNotSupportedException e) {
                // the query timeout is all there is
            }
            st.setQueryTimeout(seconds);
            boolean readOnly;
            try (ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
                readOnly = rs.next() && rs.getInt(1) != 0;
            }
            try (ResultSet rs = replicaStatus(st)) {
                ResultSetMetaData md = rs.getMetaData();
                int io = column(md, "Slave_IO_Running", "Replica_IO_Running");
                int sql = column(md, "Slave_SQL_Running", "Replica_SQL_Running");
                int host = column(md, "Master_Host", "Source_Host");
                int port = column(md, "Master_Port", "Source_Port");
                while (rs.next()) {
                    String ioState = io > 0 ? rs.getString(io) : null;
                    String sqlState = sql > 0 ? rs.getString(sql) : null;
                    boolean running = "Yes".equalsIgnoreCase(ioState) || "Connecting".equalsIgnoreCase(ioState)
                            || "Preparing".equalsIgnoreCase(ioState) || "Yes".equalsIgnoreCase(sqlState);
                    String source = (host > 0 ? rs.getString(host) : "?") + ":" + (port > 0 ? rs.getString(port) : "?");
                    if (running) {
                        return new NodeRole(true, readOnly, true, source, "replicating from " + source + " (IO " + ioState
                                + ", SQL " + sqlState + "), read_only=" + readOnly, ticker.read());
                    }
                }
            }
            return new NodeRole(true, readOnly, false, null, "not replicating, read_only=" + readOnly, ticker.read());
        } catch (SQLException e) {
            // a refused query (e.g. a missing privilege) says nothing about the role: nothing learnt
            return Errors.isConnectionFailure(e) ? NodeRole.unreachable("unreachable: " + Errors.describe(e), ticker.read()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ResultSet replicaStatus(Statement st) throws SQLException {
        try {
            return st.executeQuery("SHOW REPLICA STATUS");
        } catch (SQLException e) {
            if (e.getErrorCode() == 1064 || "42000".equals(e.getSQLState())) {
                return st.executeQuery("SHOW SLAVE STATUS");
            }
            throw e;
        }
    }

    static int column(ResultSetMetaData md, String... names) throws SQLException {
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
}
