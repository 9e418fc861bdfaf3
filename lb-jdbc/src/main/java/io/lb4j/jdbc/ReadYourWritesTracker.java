package io.lb4j.jdbc;

import io.lb4j.jdbc.ReadYourWritesShared.WriteMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The read-your-writes bookkeeping of one logical connection ({@link ReadYourWrites}): remembers the last
 * write committed on the primary (in the connection, or in the thread for {@code Scope.THREAD}), decides
 * whether a read must go to the primary (time window) or wait for a GTID on a replica, and performs that wait.
 *
 * <p>Confined to the logical connection's thread (thread-scoped marks live in the data source's ThreadLocal).
 */
final class ReadYourWritesTracker {
    private static final Logger log = LoggerFactory.getLogger(ReadYourWritesTracker.class);

    private final ReplicaRoutingDataSource ds;
    private WriteMark mark;

    ReadYourWritesTracker(ReplicaRoutingDataSource ds) {
        this.ds = ds;
    }

    private WriteMark currentMark() {
        return ds.readYourWrites.scope() == ReadYourWrites.Scope.THREAD ? ds.readYourWritesShared.threadMark() : mark;
    }

    /** Whether the next read must go to the primary: a write committed within the time window. */
    boolean readOnPrimary() {
        ReadYourWrites ryw = ds.readYourWrites;
        if (!ryw.enabled() || ryw.mode() != ReadYourWrites.Mode.TIME_WINDOW) {
            return false;
        }
        WriteMark m = currentMark();
        return m != null && ds.ticker.read() - m.nanoTime < ryw.duration().toNanos();
    }

    /** The GTID a replica must have applied before the next read there, or null. */
    String gtidToWaitFor() {
        ReadYourWrites ryw = ds.readYourWrites;
        if (!ryw.enabled() || ryw.mode() != ReadYourWrites.Mode.GTID) {
            return null;
        }
        WriteMark m = currentMark();
        return m == null ? null : m.gtid;
    }

    /** Waits (at most the configured wait) until {@code h}'s replica applied {@code gtid}; false when it had not. */
    boolean waitForGtid(NodeConnection h, String gtid) throws SQLException {
        boolean maria = ds.readYourWritesShared.isMariaDb(h.physical);
        String sql = maria ? "SELECT MASTER_GTID_WAIT(?, ?)" : "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
        double seconds = ds.readYourWrites.duration().toMillis() / 1000.0;
        try (PreparedStatement ps = h.physical.prepareStatement(sql)) {
            ps.setString(1, gtid);
            ps.setDouble(2, seconds);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                long r = rs.getLong(1);
                boolean ok = !rs.wasNull() && r == 0;
                if (!ok) {
                    log.debug("{}: {} had not applied GTID {} within {}s (result {})", ds.name, h.describe(), gtid, seconds,
                            rs.wasNull() ? "NULL" : r);
                }
                return ok;
            }
        }
    }

    /** A write was committed on {@code h} (the primary): remember it. */
    void recordWrite(NodeConnection h) {
        ReadYourWrites ryw = ds.readYourWrites;
        if (!ryw.enabled()) {
            return;
        }
        String gtid = null;
        if (ryw.mode() == ReadYourWrites.Mode.GTID) {
            long t0 = System.nanoTime();
            try (Statement st = h.physical.createStatement();
                 ResultSet rs = st.executeQuery(ds.readYourWritesShared.isMariaDb(h.physical) ? "SELECT @@last_gtid" : "SELECT @@GLOBAL.gtid_executed")) {
                gtid = rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                log.debug("{}: could not read the GTID of a write: {}", ds.name, Errors.describe(e));
            } finally {
                h.busyNanos += System.nanoTime() - t0;
            }
            if (gtid == null || gtid.isBlank()) {
                ds.readYourWritesShared.warnNoGtid();
                return;
            }
        }
        WriteMark m = new WriteMark(gtid, ds.ticker.read());
        if (ryw.scope() == ReadYourWrites.Scope.THREAD) {
            ds.readYourWritesShared.setThreadMark(m);
        } else {
            mark = m;
        }
    }
}
