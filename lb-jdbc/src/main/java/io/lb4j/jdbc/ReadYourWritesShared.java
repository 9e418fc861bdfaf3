package io.lb4j.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The read-your-writes state one {@link ReplicaRoutingDataSource} shares between its logical connections (each
 * has its own {@link ReadYourWritesTracker}): the thread-scoped write marks, whether the servers are MariaDB
 * (which decides how a GTID is read and waited for), and the one-time warning when the primary reports no GTID.
 *
 * <p>Thread-safe.
 */
final class ReadYourWritesShared {
    private static final Logger log = LoggerFactory.getLogger(ReadYourWritesShared.class);

    /** A committed write that later reads must see. Immutable. */
    static final class WriteMark {
        final String gtid;
        final long nanoTime;

        WriteMark(String gtid, long nanoTime) {
            this.gtid = gtid;
            this.nanoTime = nanoTime;
        }
    }

    private final String name;
    private final ThreadLocal<WriteMark> threadMark = new ThreadLocal<>();
    private volatile Boolean mariadb;
    private volatile boolean warnedNoGtid;

    ReadYourWritesShared(String name) {
        this.name = name;
    }

    /** The current thread's last write ({@code Scope.THREAD}), or null. */
    WriteMark threadMark() {
        return threadMark.get();
    }

    void setThreadMark(WriteMark mark) {
        threadMark.set(mark);
    }

    /** Whether the servers are MariaDB, from the first physical connection asked (all nodes run the same server). */
    boolean isMariaDb(Connection physical) throws SQLException {
        Boolean m = mariadb;
        if (m == null) {
            String version = physical.getMetaData().getDatabaseProductVersion();
            String product = physical.getMetaData().getDatabaseProductName();
            m = (version != null && version.contains("MariaDB")) || (product != null && product.contains("MariaDB"));
            mariadb = m;
        }
        return m;
    }

    /** Warns once that the primary reported no GTID after a write. */
    void warnNoGtid() {
        if (!warnedNoGtid) {
            warnedNoGtid = true;
            log.warn("{}: readYourWrites=session but the primary reported no GTID after a write (binary log or GTIDs off?);"
                    + " reads after writes are not guaranteed to see them", name);
        }
    }
}
