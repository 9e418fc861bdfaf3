package io.lb4j.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.Executor;

/**
 * The routing behind one {@link RoutingConnection}: which physical connection the current mode uses
 * (obtained lazily through the {@link ReadRouter}), when the mode switches (read-only flag, transaction
 * boundaries), what a connection failure does (counts against the node, gives the connection back, tells
 * the {@link Topology} when it was the primary), and the hooks its statements call.
 *
 * <p>Confined to the logical connection's thread.
 */
final class ConnectionCore {
    private static final Logger log = LoggerFactory.getLogger(ConnectionCore.class);

    final ReplicaRoutingDataSource ds;
    final SessionState s = new SessionState();
    private final ReadYourWritesTracker ryw;
    private final Checkouts checkouts;
    private final ReadRouter router;
    boolean closed;
    NodeConnection current;

    ConnectionCore(ReplicaRoutingDataSource ds) {
        this.ds = ds;
        this.ryw = new ReadYourWritesTracker(ds);
        this.checkouts = new Checkouts(ds, s, ryw);
        this.router = new ReadRouter(ds, checkouts, ryw);
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("connection of '" + ds.name + "' is closed", "08003");
        }
    }

    /** The physical connection for the current mode, obtained on first need. */
    NodeConnection target() throws SQLException {
        checkOpen();
        if (current == null) {
            current = s.readOnly ? router.openForRead() : router.openPrimary("read-write work", true, null);
        }
        return current;
    }

    void releaseCurrent() {
        NodeConnection h = current;
        current = null;
        if (h != null) {
            checkouts.release(h);
        }
    }

    /** A transaction ended (commit, rollback, auto-commit switched on). */
    private void endTransaction() {
        if (s.endTransaction() || (s.readOnly && current != null)) {
            releaseCurrent(); // the mode changed, or the next read-only transaction is balanced again
        }
    }

    interface SqlCall<T> {
        T call(Connection c) throws SQLException;
    }

    interface SqlRun {
        void run(Connection c) throws SQLException;
    }

    <T> T call(NodeConnection h, SqlCall<T> fn) throws SQLException {
        long t0 = System.nanoTime();
        try {
            T r = fn.call(h.physical);
            h.busyNanos += System.nanoTime() - t0;
            return r;
        } catch (SQLException e) {
            throw onError(h, e, System.nanoTime() - t0);
        }
    }

    /** Runs {@code fn} on the current physical connection, if there is one. */
    void onCurrent(SqlRun fn) throws SQLException {
        checkOpen();
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                fn.run(c);
                return null;
            });
        }
    }

    <T> T onTarget(SqlCall<T> fn) throws SQLException {
        return call(target(), fn);
    }

    /**
     * Reads a session default a fresh connection reports (isolation, holdability, catalog, schema, network
     * timeout) that the application did not set: from the current physical connection, else from the node of the
     * current mode, else, when read-write work cannot reach the primary, from a replica, which shares the cluster's
     * defaults, without moving this connection there. So a pool that asks a new connection for its defaults (HikariCP
     * asks {@code getTransactionIsolation()} once) can still set up connections for reads while the primary is down.
     */
    <T> T sessionDefault(SqlCall<T> fn) throws SQLException {
        checkOpen();
        if (current != null || s.readOnly) {
            return onTarget(fn);
        }
        try {
            return onTarget(fn);
        } catch (SQLException e) {
            if (!Errors.isConnectionFailure(e) || current != null) {
                throw e;
            }
            NodeConnection h;
            try {
                h = router.openForRead();
            } catch (SQLException again) {
                e.addSuppressed(again);
                throw e;
            }
            try {
                return call(h, fn);
            } finally {
                checkouts.release(h); // not current: the connection stays read-write, on no node
            }
        }
    }

    // ------------------------------------------------------------------ transaction boundaries and mode

    void setAutoCommit(boolean value) throws SQLException {
        checkOpen();
        if (value == s.autoCommit) {
            return;
        }
        NodeConnection h = current;
        onCurrent(c -> c.setAutoCommit(value));
        s.autoCommit = value;
        if (value) { // switching auto-commit on commits the open transaction
            if (s.wrote && h != null && h == current) {
                ryw.recordWrite(h);
            }
            endTransaction();
        }
    }

    /**
     * Commits on the current physical connection. A read-only transaction on a replica that ran only queries has
     * nothing to commit: when the replica's connection fails at the commit (the replica died after answering), the
     * failure counts against the replica and the commit succeeds, since the server rolls back a lost session and
     * there was nothing to keep. Any other commit failure is thrown.
     */
    void commit() throws SQLException {
        checkOpen();
        NodeConnection h = current;
        if (h != null) {
            boolean nothingToCommit = s.readOnly && !h.onPrimary && !s.mayHaveWritten;
            try {
                call(h, c -> {
                    c.commit();
                    return null;
                });
            } catch (SQLException e) {
                if (!nothingToCommit || !Errors.isConnectionFailure(e)) {
                    throw e;
                }
                log.debug("{}: {} was lost at the commit of a read-only transaction that only read: nothing to commit ({})",
                        ds.name, h.describe(), Errors.describe(e));
            }
            if (s.wrote && h == current) {
                ryw.recordWrite(h);
            }
        } else if (s.autoCommit) {
            throw new SQLException("cannot commit: autoCommit is true", "25000");
        }
        endTransaction();
    }

    void rollback() throws SQLException {
        checkOpen();
        if (current == null && s.autoCommit) {
            throw new SQLException("cannot roll back: autoCommit is true", "25000");
        }
        onCurrent(Connection::rollback);
        endTransaction();
    }

    /**
     * Read-only work goes to a replica. Outside a transaction the switch happens now (the physical
     * connection of the old mode is given back); inside one it happens when the transaction ends.
     */
    void setReadOnly(boolean value) throws SQLException {
        checkOpen();
        if (s.inTransaction) {
            s.pendingReadOnly = value == s.readOnly ? null : value;
            return;
        }
        if (value != s.readOnly) {
            s.readOnly = value;
            releaseCurrent();
        }
    }

    /** See {@link RoutingConnection#isValid(int)}. */
    boolean isValid(int timeout) throws SQLException {
        if (closed) {
            return false;
        }
        NodeConnection h = current;
        if (h == null || h.physical.isValid(timeout)) {
            return true;
        }
        if (s.inTransaction) {
            return false;
        }
        h.failure = new SQLNonTransientConnectionException(h.describe() + ": connection no longer valid", "08006");
        releaseCurrent();
        return true;
    }

    void close() {
        if (!closed) {
            closed = true;
            NodeConnection h = current;
            current = null;
            checkouts.close(h);
        }
    }

    void abort(Executor executor) throws SQLException {
        if (!closed) {
            closed = true;
            NodeConnection h = current;
            current = null;
            checkouts.abort(h, executor);
        }
    }

    // ------------------------------------------------------------------ hooks for statements

    void beforeExecute(NodeConnection h) throws SQLException {
        checkOpen();
        if (!s.autoCommit && h == current) {
            s.inTransaction = true;
        }
    }

    void afterExecute(NodeConnection h, boolean write, long nanos) {
        h.busyNanos += nanos;
        h.executions++;
        if (write && !s.autoCommit && h == current) {
            s.mayHaveWritten = true;
        }
        if (write && h.onPrimary && !s.readOnly && h == current) {
            if (s.autoCommit) {
                ryw.recordWrite(h);
            } else {
                s.wrote = true;
            }
        }
    }

    /**
     * Reports an exception thrown by {@code h}'s physical objects. A connection failure counts against the
     * node, gives the physical connection back (the next statement gets a healthy node) and is returned
     * wrapped in an exception of the same kind, SQLSTATE and vendor code whose message names the node;
     * any other exception is returned as it is.
     */
    SQLException onError(NodeConnection h, SQLException e, long nanos) {
        h.busyNanos += nanos;
        if (!Errors.isConnectionFailure(e)) {
            return e;
        }
        h.failure = e;
        log.debug("{}: connection failure on {}: {}", ds.name, h.describe(), Errors.describe(e));
        if (h == current) {
            current = null;
            s.endTransaction();
        }
        checkouts.release(h);
        if (h.onPrimary) {
            ds.topology.primaryFailed(h.node);
        }
        String msg = ds.name + ": connection to " + h.describe() + " failed: " + Errors.describe(e);
        String state = e.getSQLState() != null ? e.getSQLState() : "08006";
        if (e instanceof SQLTransientConnectionException) {
            return new SQLTransientConnectionException(msg, state, e.getErrorCode(), e);
        } else if (e instanceof SQLRecoverableException) {
            return new SQLRecoverableException(msg, state, e.getErrorCode(), e);
        }
        return new SQLNonTransientConnectionException(msg, state, e.getErrorCode(), e);
    }

    void statementClosed(NodeConnection h, Statement st) {
        h.statements.remove(st);
    }

    void statementCreated(NodeConnection h, Statement st) {
        h.statements.add(st);
    }

    /**
     * Whether a statement that failed with {@code e} as the first one on {@code h} may run again on
     * another node: a connection failure of read-only work before anything ran on that checkout (a stale
     * pooled connection to a replica that just died). Writes are never re-run.
     */
    boolean mayRetryRead(NodeConnection h, SQLException e) {
        return !closed && s.readOnly && s.pendingReadOnly == null && h.executions == 0 && h == current
                && Errors.isConnectionFailure(e);
    }

    /** The node for the current mode after a failure gave the previous one back. */
    NodeConnection retarget() throws SQLException {
        return target();
    }
}
