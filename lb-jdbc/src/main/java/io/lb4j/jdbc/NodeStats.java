package io.lb4j.jdbc;

import io.lb4j.api.HealthState;

/**
 * A point-in-time copy of one database node's counters in a {@link ReplicaRoutingDataSource}.
 *
 * @param name         the node's name (the replica's id; {@code primary} for the primary unless named)
 * @param role         primary or replica
 * @param address      {@code host:port}, for display
 * @param state        its health state in the routing's pool
 * @param picks        physical connections checked out from it (leases acquired)
 * @param inFlight     physical connections checked out now
 * @param successes    checkouts returned without a connection failure
 * @param failures     checkouts that saw a connection failure (SQLSTATE 08*, failed connect)
 * @param latencyNanos peak-EWMA of the time the node spent serving a checkout (connect + statements)
 * @param lagSeconds   the replication lag the last probe read (while the IO thread reconnects: the lag it had
 *                     plus the time since the source was lost); -1 when unknown, not replicating, or the primary
 * @param probedRole   what the last role probe found ({@code writable, not replicating},
 *                     {@code replica of host:port}, {@code unreachable}, ...), or {@code not probed}
 */
public record NodeStats(String name, Role role, String address, HealthState state, long picks, int inFlight,
                        long successes, long failures, double latencyNanos, long lagSeconds, String probedRole) {

    /** A node's role. */
    public enum Role {
        /** The primary: read-write work. */
        PRIMARY,
        /** A replica: read-only work. */
        REPLICA
    }
}
