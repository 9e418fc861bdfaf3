package io.lb4j.jdbc;

import io.lb4j.api.Lease;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import io.lb4j.jdbc.ReplicaRoutingDataSource.Node;
import io.lb4j.jdbc.ReplicaRoutingDataSource.WriteMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The logical connection handed out by {@link ReplicaRoutingDataSource}: routes to the primary or to a
 * replica following the read-only flag and the transaction boundaries, obtains physical connections
 * lazily, completes one lb4j lease per physical checkout, and reports connection failures.
 *
 * <p>After {@link #close()} every method but {@code close}, {@code isClosed} and {@code isValid} throws
 * an {@link SQLException} with SQLSTATE 08003. Like any JDBC connection, for one thread at a time.
 */
final class RoutingConnection implements Connection {
    private static final Logger log = LoggerFactory.getLogger(RoutingConnection.class);

    private final ReplicaRoutingDataSource ds;
    private boolean closed;
    private boolean readOnly;
    private Boolean pendingReadOnly;
    private boolean autoCommit = true;
    private Integer isolation;
    private String catalog;
    private String schema;
    private Integer holdability;
    private Executor networkTimeoutExecutor;
    private Integer networkTimeout;
    private boolean inTransaction;
    private boolean wrote;
    private NodeConnection current;
    private final Map<String, Connection> parked = new HashMap<>();
    /** When each parked connection was parked ({@code ds.ticker} nanos). */
    private final Map<String, Long> parkedAt = new HashMap<>();
    /**
     * A parked connection idle longer than this is validated ({@code isValid(1)}) before reuse: the server,
     * a proxy or a firewall may have dropped it meanwhile, and its first statement failing would count a
     * connection failure against a healthy node.
     */
    static final long VALIDATE_PARKED_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private WriteMark mark;

    /** One physical connection checked out from one node, with its lease. */
    final class NodeConnection {
        final Node node;
        final Lease lease;
        final Connection physical;
        final List<Statement> statements = new ArrayList<>();
        long busyNanos;
        int executions;
        Throwable failure;
        boolean released;

        NodeConnection(Node node, Lease lease, Connection physical) {
            this.node = node;
            this.lease = lease;
            this.physical = physical;
        }
    }

    RoutingConnection(ReplicaRoutingDataSource ds) {
        this.ds = ds;
    }

    // ------------------------------------------------------------------ routing

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("connection of '" + ds.name + "' is closed", "08003");
        }
    }

    /** The physical connection for the current mode, obtained on first need. */
    private NodeConnection target() throws SQLException {
        checkOpen();
        if (current == null) {
            current = readOnly ? openForRead() : openPrimary("read-write work", null);
        }
        return current;
    }

    /** The node this connection is on now, or null before the first statement (for tests and logs). */
    String currentNode() {
        return current == null ? null : current.node.name();
    }

    private NodeConnection openPrimary(String purpose, SQLException earlier) throws SQLException {
        Node node = ds.primary;
        Lease lease;
        try {
            lease = ds.primaryPool.acquire();
        } catch (NoAvailableServerException e) {
            SQLException ex = new SQLNonTransientConnectionException(ds.name + ": " + node.describe()
                    + " is down, cannot serve " + purpose + " (" + e.getMessage() + ")", "08001");
            if (earlier != null) {
                ex.addSuppressed(earlier);
            }
            throw ex;
        }
        try {
            return open(node, lease, null);
        } catch (SQLException e) {
            if (!Errors.isConnectionFailure(e)) {
                // e.g. the primary refused the session state, or its own pool was busy: not "unreachable",
                // and its SQLSTATE is the caller's to see
                if (earlier != null) {
                    e.addSuppressed(earlier);
                }
                throw e;
            }
            SQLException ex = new SQLNonTransientConnectionException(ds.name + ": " + node.describe()
                    + " is unreachable, cannot serve " + purpose + ": " + Errors.describe(e),
                    e.getSQLState() != null && e.getSQLState().startsWith("08") ? e.getSQLState() : "08001", e);
            if (earlier != null) {
                ex.addSuppressed(earlier);
            }
            throw ex;
        }
    }

    private NodeConnection openForRead() throws SQLException {
        ReadYourWrites ryw = ds.readYourWrites;
        WriteMark m = ryw.enabled() ? currentMark() : null;
        if (m != null && ryw.mode() == ReadYourWrites.Mode.TIME_WINDOW
                && ds.ticker.read() - m.nanoTime < ryw.duration().toNanos()) {
            return openPrimary("a read within the read-your-writes window", null);
        }
        String gtid = m != null && ryw.mode() == ReadYourWrites.Mode.GTID ? m.gtid : null;
        List<String> tried = new ArrayList<>();
        SQLException errors = null;
        String why = null;
        int attempts = Math.max(1, ds.replicas.size());
        for (int i = 0; i < attempts; i++) {
            Lease lease;
            try {
                lease = ds.replicaPool.acquire(tried.isEmpty() ? PickContext.none() : PickContext.none().excluding(tried));
            } catch (NoAvailableServerException e) {
                why = e.getMessage();
                break;
            }
            String id = lease.server().id();
            Node node = ds.replica(id);
            if (node == null) { // removed meanwhile
                lease.drop();
                tried.add(id);
                continue;
            }
            NodeConnection h;
            try {
                h = open(node, lease, gtid);
            } catch (SQLException e) {
                if (!Errors.isConnectionFailure(e) && !Errors.isPoolTimeout(e)) {
                    // not the replica's fault (e.g. a session setting it refuses): every node would refuse it too
                    if (errors != null) {
                        e.addSuppressed(errors);
                    }
                    throw e;
                }
                log.debug("{}: {} failed, trying another replica: {}", ds.name, node.describe(), Errors.describe(e));
                tried.add(id);
                if (errors == null) {
                    errors = e;
                } else {
                    errors.addSuppressed(e);
                }
                why = "every replica tried failed: " + tried;
                continue;
            }
            if (h == null) { // had not applied the write in time
                return openPrimary("a read after a write that " + node.describe() + " had not applied within "
                        + ryw.duration(), null);
            }
            return h;
        }
        if (why == null) {
            why = "every replica tried failed: " + tried;
        }
        if (!ds.readFromPrimaryWhenNoReplicas) {
            throw new SQLTransientConnectionException(ds.name + ": no replica available for read-only work ("
                    + why + ") and readFromPrimaryWhenNoReplicas is false", "08001", errors);
        }
        return openPrimary("read-only work (no replica available: " + why + ")", errors);
    }

    /**
     * Checks out a physical connection from {@code node}, waits for {@code gtid} when not null, and applies
     * the logical state. Completes the lease with a failure when it cannot.
     *
     * @return null when the replica had not applied {@code gtid} in time (lease completed, connection given back)
     */
    private NodeConnection open(Node node, Lease lease, String gtid) throws SQLException {
        long t0 = System.nanoTime();
        Connection c = null;
        boolean completed = false; // the lease was completed (or handed to a NodeConnection) on this path
        try {
            c = takeParked(node);
            if (c == null) {
                c = node.dataSource.getConnection();
            }
            if (c == null) {
                throw new SQLNonTransientConnectionException(node.describe() + ": its data source returned no connection", "08001");
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
                    : new SQLNonTransientConnectionException(node.describe() + ": " + Errors.describe(e), "08001", e);
        } finally {
            if (!completed) { // an Error (OutOfMemoryError, StackOverflowError, ...): never leak the lease
                if (c != null) {
                    closeQuietly(c);
                }
                lease.failure(new SQLNonTransientConnectionException(node.describe() + ": checkout interrupted by an Error", "08001"),
                        System.nanoTime() - t0);
            }
        }
        NodeConnection h = new NodeConnection(node, lease, c);
        boolean ok = false;
        try {
            if (gtid != null && !waitForGtid(h, gtid)) {
                h.busyNanos = System.nanoTime() - t0;
                ok = true;
                release(h);
                return null;
            }
            applyState(h);
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

    private Connection takeParked(Node node) throws SQLException {
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
            log.debug("{}: parked connection to {} went stale; opening a fresh one", ds.name, node.describe());
            closeQuietly(c);
            return null;
        }
        return c;
    }

    private void applyState(NodeConnection h) throws SQLException {
        Connection c = h.physical;
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

    private boolean waitForGtid(NodeConnection h, String gtid) throws SQLException {
        boolean maria = ds.isMariaDb(h.physical);
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
                    log.debug("{}: {} had not applied GTID {} within {}s (result {})", ds.name, h.node.describe(), gtid, seconds,
                            rs.wasNull() ? "NULL" : r);
                }
                return ok;
            }
        }
    }

    private WriteMark currentMark() {
        return ds.readYourWrites.scope() == ReadYourWrites.Scope.THREAD ? ds.threadMark() : mark;
    }

    /** A write was committed on {@code h} (the primary): remember it for read-your-writes. */
    private void recordWrite(NodeConnection h) {
        ReadYourWrites ryw = ds.readYourWrites;
        if (!ryw.enabled()) {
            return;
        }
        String gtid = null;
        if (ryw.mode() == ReadYourWrites.Mode.GTID) {
            long t0 = System.nanoTime();
            try (Statement st = h.physical.createStatement();
                 ResultSet rs = st.executeQuery(ds.isMariaDb(h.physical) ? "SELECT @@last_gtid" : "SELECT @@GLOBAL.gtid_executed")) {
                gtid = rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                log.debug("{}: could not read the GTID of a write: {}", ds.name, Errors.describe(e));
            } finally {
                h.busyNanos += System.nanoTime() - t0;
            }
            if (gtid == null || gtid.isBlank()) {
                ds.warnNoGtid();
                return;
            }
        }
        WriteMark m = new WriteMark(gtid, ds.ticker.read());
        if (ryw.scope() == ReadYourWrites.Scope.THREAD) {
            ds.setThreadMark(m);
        } else {
            mark = m;
        }
    }

    /** Gives the physical connection back and completes its lease (failure when it saw a connection failure). */
    private void release(NodeConnection h) {
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

    private void releaseCurrent() {
        NodeConnection h = current;
        current = null;
        if (h != null) {
            release(h);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("closing {} failed: {}", c.getClass().getName(), e.toString());
        }
    }

    /** A transaction ended (commit, rollback, auto-commit switched on). */
    private void endTransaction() {
        inTransaction = false;
        wrote = false;
        if (pendingReadOnly != null) {
            boolean ro = pendingReadOnly;
            pendingReadOnly = null;
            if (ro != readOnly) {
                readOnly = ro;
                releaseCurrent();
                return;
            }
        }
        if (readOnly && current != null) {
            releaseCurrent(); // the next read-only transaction is balanced again
        }
    }

    // ------------------------------------------------------------------ hooks for statements

    void beforeExecute(NodeConnection h) throws SQLException {
        checkOpen();
        if (!autoCommit && h == current) {
            inTransaction = true;
        }
    }

    void afterExecute(NodeConnection h, boolean write, long nanos) {
        h.busyNanos += nanos;
        h.executions++;
        if (write && h.node.primary && !readOnly && h == current) {
            if (autoCommit) {
                recordWrite(h);
            } else {
                wrote = true;
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
        log.debug("{}: connection failure on {}: {}", ds.name, h.node.describe(), Errors.describe(e));
        if (h == current) {
            current = null;
            inTransaction = false;
            wrote = false;
            if (pendingReadOnly != null) {
                readOnly = pendingReadOnly;
                pendingReadOnly = null;
            }
        }
        release(h);
        String msg = ds.name + ": connection to " + h.node.describe() + " failed: " + Errors.describe(e);
        String state = e.getSQLState() != null ? e.getSQLState() : "08006";
        SQLException wrapped;
        if (e instanceof SQLTransientConnectionException) {
            wrapped = new SQLTransientConnectionException(msg, state, e.getErrorCode(), e);
        } else if (e instanceof java.sql.SQLRecoverableException) {
            wrapped = new java.sql.SQLRecoverableException(msg, state, e.getErrorCode(), e);
        } else {
            wrapped = new SQLNonTransientConnectionException(msg, state, e.getErrorCode(), e);
        }
        return wrapped;
    }

    void statementClosed(NodeConnection h, Statement s) {
        h.statements.remove(s);
    }

    private interface SqlCall<T> {
        T call(Connection c) throws SQLException;
    }

    private <T> T call(NodeConnection h, SqlCall<T> fn) throws SQLException {
        long t0 = System.nanoTime();
        try {
            T r = fn.call(h.physical);
            h.busyNanos += System.nanoTime() - t0;
            return r;
        } catch (SQLException e) {
            throw onError(h, e, System.nanoTime() - t0);
        }
    }

    interface StatementFactory<T extends Statement> {
        T create(Connection c) throws SQLException;
    }

    private <T extends Statement> T create(Class<T> type, StatementFactory<T> factory) throws SQLException {
        NodeConnection h = target();
        T stmt = call(h, factory::create);
        h.statements.add(stmt);
        return StatementHandler.wrap(this, h, stmt, type, factory);
    }

    /**
     * Whether a statement that failed with {@code e} as the first one on {@code h} may run again on
     * another node: a connection failure of read-only work before anything ran on that checkout (a stale
     * pooled connection to a replica that just died). Writes are never re-run.
     */
    boolean mayRetryRead(NodeConnection h, SQLException e) {
        return !closed && readOnly && pendingReadOnly == null && h.executions == 0 && h == current
                && Errors.isConnectionFailure(e);
    }

    /** The node for the current mode after a failure gave the previous one back. */
    NodeConnection retarget() throws SQLException {
        return target();
    }

    void statementCreated(NodeConnection h, Statement s) {
        h.statements.add(s);
    }

    // ------------------------------------------------------------------ Connection: statements

    @Override
    public Statement createStatement() throws SQLException {
        return create(Statement.class, Connection::createStatement);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return create(Statement.class, c -> c.createStatement(resultSetType, resultSetConcurrency));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return create(Statement.class, c -> c.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return create(PreparedStatement.class, c -> c.prepareStatement(sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return create(PreparedStatement.class, c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return create(PreparedStatement.class, c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return create(PreparedStatement.class, c -> c.prepareStatement(sql, autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return create(PreparedStatement.class, c -> c.prepareStatement(sql, columnIndexes));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return create(PreparedStatement.class, c -> c.prepareStatement(sql, columnNames));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return create(CallableStatement.class, c -> c.prepareCall(sql));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return create(CallableStatement.class, c -> c.prepareCall(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return create(CallableStatement.class, c -> c.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        NodeConnection h = target();
        return call(h, c -> c.nativeSQL(sql));
    }

    // ------------------------------------------------------------------ Connection: transactions and state

    @Override
    public void setAutoCommit(boolean value) throws SQLException {
        checkOpen();
        if (value == autoCommit) {
            return;
        }
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.setAutoCommit(value);
                return null;
            });
        }
        autoCommit = value;
        if (value) { // switching auto-commit on commits the open transaction
            if (wrote && h != null && h == current) {
                recordWrite(h);
            }
            endTransaction();
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.commit();
                return null;
            });
            if (wrote && h == current) {
                recordWrite(h);
            }
        } else if (autoCommit) {
            throw new SQLException("cannot commit: autoCommit is true", "25000");
        }
        endTransaction();
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.rollback();
                return null;
            });
        } else if (autoCommit) {
            throw new SQLException("cannot roll back: autoCommit is true", "25000");
        }
        endTransaction();
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        NodeConnection h = target();
        call(h, c -> {
            c.rollback(savepoint);
            return null;
        });
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        NodeConnection h = target();
        Savepoint s = call(h, Connection::setSavepoint);
        inTransaction = !autoCommit;
        return s;
    }

    @Override
    public Savepoint setSavepoint(String savepointName) throws SQLException {
        NodeConnection h = target();
        Savepoint s = call(h, c -> c.setSavepoint(savepointName));
        inTransaction = !autoCommit;
        return s;
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        NodeConnection h = target();
        call(h, c -> {
            c.releaseSavepoint(savepoint);
            return null;
        });
    }

    /**
     * Read-only work goes to a replica. Outside a transaction the switch happens now (the physical
     * connection of the old mode is given back); inside one it happens when the transaction ends.
     */
    @Override
    public void setReadOnly(boolean value) throws SQLException {
        checkOpen();
        if (inTransaction) {
            pendingReadOnly = value == readOnly ? null : value;
            return;
        }
        if (value == readOnly) {
            return;
        }
        readOnly = value;
        releaseCurrent();
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return pendingReadOnly != null ? pendingReadOnly : readOnly;
    }

    @Override
    public void setCatalog(String value) throws SQLException {
        checkOpen();
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.setCatalog(value);
                return null;
            });
        }
        catalog = value;
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        if (catalog != null) {
            return catalog;
        }
        NodeConnection h = target();
        return call(h, Connection::getCatalog);
    }

    @Override
    public void setSchema(String value) throws SQLException {
        checkOpen();
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.setSchema(value);
                return null;
            });
        }
        schema = value;
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        if (schema != null) {
            return schema;
        }
        NodeConnection h = target();
        return call(h, Connection::getSchema);
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        if (level != TRANSACTION_READ_UNCOMMITTED && level != TRANSACTION_READ_COMMITTED
                && level != TRANSACTION_REPEATABLE_READ && level != TRANSACTION_SERIALIZABLE) {
            throw new SQLException("transaction isolation level " + level + " is invalid: allowed TRANSACTION_READ_UNCOMMITTED (1),"
                    + " TRANSACTION_READ_COMMITTED (2), TRANSACTION_REPEATABLE_READ (4) or TRANSACTION_SERIALIZABLE (8)", "HY024");
        }
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.setTransactionIsolation(level);
                return null;
            });
        }
        isolation = level;
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        if (isolation != null) {
            return isolation;
        }
        NodeConnection h = target();
        return call(h, Connection::getTransactionIsolation);
    }

    @Override
    public void setHoldability(int value) throws SQLException {
        checkOpen();
        if (value != java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT && value != java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw new SQLException("holdability " + value + " is invalid: allowed HOLD_CURSORS_OVER_COMMIT (1) or CLOSE_CURSORS_AT_COMMIT (2)",
                    "HY024");
        }
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.setHoldability(value);
                return null;
            });
        }
        holdability = value;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        if (holdability != null) {
            return holdability;
        }
        NodeConnection h = target();
        return call(h, Connection::getHoldability);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("network timeout must be >= 0 ms, was " + milliseconds, "HY000");
        }
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.setNetworkTimeout(executor, milliseconds);
                return null;
            });
        }
        networkTimeoutExecutor = executor;
        networkTimeout = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeout == null ? 0 : networkTimeout;
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        NodeConnection h = target();
        return call(h, Connection::getTypeMap);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        NodeConnection h = target();
        call(h, c -> {
            c.setTypeMap(map);
            return null;
        });
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        NodeConnection h = target();
        return call(h, Connection::getMetaData);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        NodeConnection h = current;
        return h == null ? null : call(h, Connection::getWarnings);
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        NodeConnection h = current;
        if (h != null) {
            call(h, c -> {
                c.clearWarnings();
                return null;
            });
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        NodeConnection h = target();
        return call(h, Connection::createClob);
    }

    @Override
    public Blob createBlob() throws SQLException {
        NodeConnection h = target();
        return call(h, Connection::createBlob);
    }

    @Override
    public NClob createNClob() throws SQLException {
        NodeConnection h = target();
        return call(h, Connection::createNClob);
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        NodeConnection h = target();
        return call(h, Connection::createSQLXML);
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        NodeConnection h = target();
        return call(h, c -> c.createArrayOf(typeName, elements));
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        NodeConnection h = target();
        return call(h, c -> c.createStruct(typeName, attributes));
    }

    /**
     * Valid while open: with no physical connection checked out this does not touch a database (nodes are
     * checked by the health probes); otherwise asks the current one, and outside a transaction gives a
     * broken one back so that the next statement gets a healthy node.
     */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must be >= 0 seconds, was " + timeout, "HY000");
        }
        if (closed) {
            return false;
        }
        NodeConnection h = current;
        if (h == null) {
            return true;
        }
        if (h.physical.isValid(timeout)) {
            return true;
        }
        if (inTransaction) {
            return false;
        }
        h.failure = new SQLNonTransientConnectionException(h.node.describe() + ": connection no longer valid", "08006");
        releaseCurrent();
        return true;
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        try {
            NodeConnection h = target();
            h.physical.setClientInfo(name, value);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), null, e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        try {
            NodeConnection h = target();
            h.physical.setClientInfo(properties);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), null, e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        NodeConnection h = target();
        return call(h, c -> c.getClientInfo(name));
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        NodeConnection h = target();
        return call(h, Connection::getClientInfo);
    }

    // ------------------------------------------------------------------ Connection: lifecycle

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseCurrent();
        for (Connection c : parked.values()) {
            closeQuietly(c);
        }
        parked.clear();
        parkedAt.clear();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("executor must not be null", "HY000");
        }
        if (closed) {
            return;
        }
        closed = true;
        NodeConnection h = current;
        current = null;
        if (h != null) {
            h.released = true;
            h.lease.drop();
            h.physical.abort(executor);
        }
        for (Connection c : parked.values()) {
            closeQuietly(c);
        }
        parked.clear();
        parkedAt.clear();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface == null) {
            throw new SQLException("interface must not be null", "HY000");
        }
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        NodeConnection h = target();
        if (iface.isInstance(h.physical)) {
            return iface.cast(h.physical);
        }
        return h.physical.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface == null) {
            return false;
        }
        if (iface.isInstance(this)) {
            return true;
        }
        NodeConnection h = target();
        return iface.isInstance(h.physical) || h.physical.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "RoutingConnection[" + ds.name + (closed ? " closed" : "") + (readOnly ? " read-only" : " read-write")
                + ", on " + (current == null ? "no node yet" : current.node.describe()) + "]";
    }
}
