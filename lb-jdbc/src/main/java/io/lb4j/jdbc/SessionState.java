package io.lb4j.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * The session state of one logical connection that every physical connection it uses must carry: the
 * settings an application made (auto-commit, isolation, catalog, schema, holdability, network timeout,
 * read-only) and where its transaction stands. {@link #applyTo(Connection)} replays the settings on a
 * physical connection of another node, so a switch of node (replica to primary, or to a promoted primary)
 * is invisible to the application. Settings never made are left at the node's defaults.
 *
 * <p>Confined to the logical connection's thread.
 */
final class SessionState {
    boolean readOnly;
    /** A {@code setReadOnly} made inside a transaction, applied when it ends; null when none. */
    Boolean pendingReadOnly;
    boolean autoCommit = true;
    Integer isolation;
    String catalog;
    String schema;
    Integer holdability;
    Executor networkTimeoutExecutor;
    Integer networkTimeout;
    /** A statement ran since the transaction began (auto-commit off). */
    boolean inTransaction;
    /** The current transaction wrote on the primary. */
    boolean wrote;
    /**
     * A statement that may write (an update, a batch, an {@code execute} without a result set) ran in the current
     * transaction, on whichever node.
     */
    boolean mayHaveWritten;

    /** Replays the settings on {@code c}, touching only what differs or was set. */
    void applyTo(Connection c) throws SQLException {
        if (c.getAutoCommit() != autoCommit) {
            c.setAutoCommit(autoCommit);
        }
        if (isolation != null) {
            c.setTransactionIsolation(isolation);
        }
        if (catalog != null) {
            c.setCatalog(catalog);
        }
        if (schema != null) {
            c.setSchema(schema);
        }
        if (holdability != null) {
            c.setHoldability(holdability);
        }
        if (networkTimeout != null) {
            c.setNetworkTimeout(networkTimeoutExecutor, networkTimeout);
        }
        if (c.isReadOnly() != readOnly) {
            c.setReadOnly(readOnly);
        }
    }

    /** The read-only flag the application sees (a pending change counts). */
    boolean visibleReadOnly() {
        return pendingReadOnly != null ? pendingReadOnly : readOnly;
    }

    /**
     * The transaction ended (commit, rollback, auto-commit on, or its connection failed).
     *
     * @return whether the read-only mode changed (the caller gives the physical connection back)
     */
    boolean endTransaction() {
        inTransaction = false;
        wrote = false;
        mayHaveWritten = false;
        if (pendingReadOnly != null) {
            boolean ro = pendingReadOnly;
            pendingReadOnly = null;
            if (ro != readOnly) {
                readOnly = ro;
                return true;
            }
        }
        return false;
    }

    static void checkIsolation(int level) throws SQLException {
        if (level != Connection.TRANSACTION_READ_UNCOMMITTED && level != Connection.TRANSACTION_READ_COMMITTED
                && level != Connection.TRANSACTION_REPEATABLE_READ && level != Connection.TRANSACTION_SERIALIZABLE) {
            throw new SQLException("transaction isolation level " + level + " is invalid: allowed TRANSACTION_READ_UNCOMMITTED (1),"
                    + " TRANSACTION_READ_COMMITTED (2), TRANSACTION_REPEATABLE_READ (4) or TRANSACTION_SERIALIZABLE (8)", "HY024");
        }
    }

    static void checkHoldability(int value) throws SQLException {
        if (value != ResultSet.HOLD_CURSORS_OVER_COMMIT && value != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw new SQLException("holdability " + value + " is invalid: allowed HOLD_CURSORS_OVER_COMMIT (1) or CLOSE_CURSORS_AT_COMMIT (2)",
                    "HY024");
        }
    }

    static void checkNetworkTimeout(int milliseconds) throws SQLException {
        if (milliseconds < 0) {
            throw new SQLException("network timeout must be >= 0 ms, was " + milliseconds, "HY000");
        }
    }
}
