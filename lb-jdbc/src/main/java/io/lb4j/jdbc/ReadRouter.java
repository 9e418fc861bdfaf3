package io.lb4j.jdbc;

import io.lb4j.api.Lease;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the node for one logical connection's work: read-write work on the node the {@link Topology}
 * holds for primary (refused while it reports split brain or a read-only primary), read-only work on a
 * replica picked by the replicas' pool, trying another one at once when a replica fails to connect, with
 * the read-your-writes rules and the fallback to the primary when no replica is available.
 *
 * <p>Confined to the logical connection's thread; the pools and the topology it reads are thread-safe.
 */
final class ReadRouter {
    private static final Logger log = LoggerFactory.getLogger(ReadRouter.class);

    private final ReplicaRoutingDataSource ds;
    private final Checkouts checkouts;
    private final ReadYourWritesTracker ryw;

    ReadRouter(ReplicaRoutingDataSource ds, Checkouts checkouts, ReadYourWritesTracker ryw) {
        this.ds = ds;
        this.checkouts = checkouts;
        this.ryw = ryw;
    }

    /** A physical connection on the primary; {@code write} refuses a primary the topology knows read-only. */
    NodeConnection openPrimary(String purpose, boolean write, SQLException earlier) throws SQLException {
        Topology.View view = ds.topology.view();
        if (view.splitBrain() != null) {
            throw withEarlier(new SQLNonTransientConnectionException(ds.name + ": cannot serve " + purpose + ": " + view.splitBrain(),
                    "08004"), earlier);
        }
        if (write && view.primaryReadOnly()) {
            throw withEarlier(new SQLNonTransientConnectionException(ds.name + ": " + view.primary().describe(true)
                    + " is read-only (@@global.read_only=ON) and no other node is writable, cannot serve " + purpose, "08004"), earlier);
        }
        Lease lease;
        try {
            lease = ds.primaryPool.acquire();
        } catch (NoAvailableServerException e) {
            throw withEarlier(new SQLNonTransientConnectionException(ds.name + ": " + view.primary().describe(true)
                    + " is down, cannot serve " + purpose + " (" + e.getMessage() + ")", "08001"), earlier);
        }
        Node node = ds.node(lease.server().id());
        if (node == null) { // moved meanwhile (failover): the lease's server is no longer a node
            lease.drop();
            throw withEarlier(new SQLTransientConnectionException(ds.name + ": the primary changed while connecting, cannot serve "
                    + purpose + "; retry", "08001"), earlier);
        }
        try {
            return checkouts.open(node, true, lease, null);
        } catch (SQLException e) {
            if (!Errors.isConnectionFailure(e)) {
                // e.g. the primary refused the session state, or its own pool was busy: not "unreachable",
                // and its SQLSTATE is the caller's to see
                throw withEarlier(e, earlier);
            }
            ds.topology.primaryFailed(node);
            throw withEarlier(new SQLNonTransientConnectionException(ds.name + ": " + node.describe(true)
                    + " is unreachable, cannot serve " + purpose + ": " + Errors.describe(e),
                    e.getSQLState() != null && e.getSQLState().startsWith("08") ? e.getSQLState() : "08001", e), earlier);
        }
    }

    private static SQLException withEarlier(SQLException e, SQLException earlier) {
        if (earlier != null && earlier != e) {
            e.addSuppressed(earlier);
        }
        return e;
    }

    /** A physical connection on a replica for read-only work (or on the primary, see the class comment). */
    NodeConnection openForRead() throws SQLException {
        if (ryw.readOnPrimary()) {
            return openPrimary("a read within the read-your-writes window", false, null);
        }
        String gtid = ryw.gtidToWaitFor();
        List<String> tried = new ArrayList<>();
        SQLException errors = null;
        String why = null;
        int attempts = Math.max(1, ds.nodes.size());
        for (int i = 0; i < attempts; i++) {
            Lease lease;
            try {
                lease = ds.replicaPool.acquire(tried.isEmpty() ? PickContext.none() : PickContext.none().excluding(tried));
            } catch (NoAvailableServerException e) {
                why = e.getMessage();
                break;
            }
            String id = lease.server().id();
            Node node = ds.node(id);
            if (node == null) { // removed meanwhile
                lease.drop();
                tried.add(id);
                continue;
            }
            NodeConnection h;
            try {
                h = checkouts.open(node, false, lease, gtid);
            } catch (SQLException e) {
                if (!Errors.isConnectionFailure(e) && !Errors.isPoolTimeout(e)) {
                    // not the replica's fault (e.g. a session setting it refuses): every node would refuse it too
                    throw withEarlier(e, errors);
                }
                log.debug("{}: {} failed, trying another replica: {}", ds.name, node.describe(false), Errors.describe(e));
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
                return openPrimary("a read after a write that " + node.describe(false) + " had not applied within "
                        + ds.readYourWrites.duration(), false, null);
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
        return openPrimary("read-only work (no replica available: " + why + ")", false, errors);
    }
}
