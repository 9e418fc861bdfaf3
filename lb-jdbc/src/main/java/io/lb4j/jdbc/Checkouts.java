package io.lb4j.jdbc;

import io.lb4j.api.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The physical connections of one logical connection: checks one out from a node under its lb4j lease,
 * replays the {@link SessionState} on it, gives it back completing the lease (a failure when it saw a
 * connection failure), and, for node data sources that do not pool, parks it for reuse.
 *
 * <p>Confined to the logical connection's thread.
 */
final class Checkouts {
    private static final Logger log = LoggerFactory.getLogger(Checkouts.class);
    /**
     * A parked connection idle longer than this is validated ({@code isValid(1)}) before reuse: the server,
     * a proxy or a firewall may have dropped it meanwhile, and its first statement failing would count a
     * connection failure against a healthy node.
     */
    static final long VALIDATE_PARKED_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ReplicaRoutingDataSource ds;
    private final SessionState session;
    private final ReadYourWritesTracker ryw;
    private final Map<String, Connection> parked = new HashMap<>();
    /** When each parked connection was parked ({@code ds.ticker} nanos). */
    private final Map<String, Long> parkedAt = new HashMap<>();
    private boolean closed;

    Checkouts(ReplicaRoutingDataSource ds, SessionState session, ReadYourWritesTracker ryw) {
        this.ds = ds;
        this.session = session;
        this.ryw = ryw;
    }

    /**
     * Checks out a physical connection from {@code node}, waits for {@code gtid} when not null, and applies
     * the session state. Completes the lease with a failure when it cannot.
     *
     * @return null when the replica had not applied {@code gtid} in time (lease completed, connection given back)
     */
    NodeConnection open(Node node, boolean onPrimary, Lease lease, String gtid) throws SQLException {
        long t0 = System.nanoTime();
        Connection c = null;
        boolean completed = false; // the lease was completed (or handed to a NodeConnection) on this path
        try {
            c = takeParked(node);
            if (c == null) {
                c = node.dataSource.getConnection();
            }
            if (c == null) {
                throw new SQLNonTransientConnectionException(node.describe(onPrimary) + ": its data source returned no connection", "08001");
            }
            completed = true;
        } catch (SQLException | RuntimeException e) {
            completed = true;
            if (e instanceof SQLException && !Errors.isConnectionFailure(e)) {
                lease.drop(); // e.g. the node's own pool had no free connection: says nothing about the node
            } else {
                lease.failure(e, System.nanoTime() - t0);
            }
            throw e instanceof SQLException ? (SQLException) e
                    : new SQLNonTransientConnectionException(node.describe(onPrimary) + ": " + Errors.describe(e), "08001", e);
        } finally {
            if (!completed) { // an Error (OutOfMemoryError, StackOverflowError, ...): never leak the lease
                if (c != null) {
                    closeQuietly(c);
                }
                lease.failure(new SQLNonTransientConnectionException(node.describe(onPrimary) + ": checkout interrupted by an Error",
                        "08001"), System.nanoTime() - t0);
            }
        }
        NodeConnection h = new NodeConnection(node, onPrimary, lease, c);
        boolean ok = false;
        try {
            if (gtid != null && !ryw.waitForGtid(h, gtid)) {
                h.busyNanos = System.nanoTime() - t0;
                ok = true;
                release(h);
                return null;
            }
            session.applyTo(c);
            h.busyNanos = System.nanoTime() - t0;
            ok = true;
            return h;
        } catch (SQLException | RuntimeException e) {
            if (Errors.isConnectionFailure(e)) {
                h.failure = e;
            }
            throw e;
        } catch (Throwable e) {
            // an Error (OutOfMemoryError, StackOverflowError, ...) leaves the session state unknown:
            // count a failure and close the physical connection instead of parking it
            h.failure = e;
            throw e;
        } finally {
            if (!ok) {
                h.busyNanos = System.nanoTime() - t0;
                release(h);
            }
        }
    }

    private Connection takeParked(Node node) {
        Connection c = parked.remove(node.name());
        Long since = parkedAt.remove(node.name());
        if (c == null) {
            return null;
        }
        boolean usable;
        try {
            usable = !c.isClosed()
                    && (since == null || ds.ticker.read() - since <= VALIDATE_PARKED_AFTER_NANOS || c.isValid(1));
        } catch (SQLException e) {
            usable = false; // a stale connection: not the node's fault, a fresh one is opened instead
        }
        if (!usable) {
            log.debug("{}: parked connection to {} went stale; opening a fresh one", ds.name, node.describe(false));
            closeQuietly(c);
            return null;
        }
        return c;
    }

    /** Gives the physical connection back and completes its lease (failure when it saw a connection failure). */
    void release(NodeConnection h) {
        if (h.released) {
            return;
        }
        h.released = true;
        if (h.failure == null && ds.retainPhysicalConnections && !closed) {
            for (Statement s : new ArrayList<>(h.statements)) {
                closeQuietly(s);
            }
            Connection old = parked.put(h.node.name(), h.physical);
            parkedAt.put(h.node.name(), ds.ticker.read());
            if (old != null && old != h.physical) {
                closeQuietly(old);
            }
        } else {
            closeQuietly(h.physical);
        }
        if (h.failure != null) {
            h.lease.failure(h.failure, h.busyNanos);
        } else {
            h.lease.success(h.busyNanos);
        }
    }

    /** Aborts {@code h} (lease dropped) and closes every parked connection; nothing is parked afterwards. */
    void abort(NodeConnection h, Executor executor) throws SQLException {
        closed = true;
        try {
            if (h != null) {
                h.released = true;
                h.lease.drop();
                h.physical.abort(executor);
            }
        } finally {
            closeParked();
        }
    }

    /** Gives {@code h} back (when not null), closes every parked connection; nothing is parked afterwards. */
    void close(NodeConnection h) {
        closed = true;
        if (h != null) {
            release(h);
        }
        closeParked();
    }

    private void closeParked() {
        for (Connection c : parked.values()) {
            closeQuietly(c);
        }
        parked.clear();
        parkedAt.clear();
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("closing {} failed: {}", c.getClass().getName(), e.toString());
        }
    }
}
