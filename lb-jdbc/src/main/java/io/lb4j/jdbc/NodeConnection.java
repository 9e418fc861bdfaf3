package io.lb4j.jdbc;

import io.lb4j.api.Lease;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One physical connection checked out from one node for a {@link RoutingConnection}, with its lb4j lease:
 * the time the node spent on it, the statements open on it, and the connection failure it saw, if any.
 * Confined to the logical connection's thread.
 */
final class NodeConnection {
    final Node node;
    /** Whether it was opened on the writer (the primary) for read-write work or as a read fallback. */
    final boolean onPrimary;
    final Lease lease;
    final java.sql.Connection physical;
    final List<Statement> statements = new ArrayList<>();
    long busyNanos;
    int executions;
    Throwable failure;
    boolean released;

    NodeConnection(Node node, boolean onPrimary, Lease lease, java.sql.Connection physical) {
        this.node = node;
        this.onPrimary = onPrimary;
        this.lease = lease;
        this.physical = physical;
    }

    String describe() {
        return node.describe(onPrimary);
    }
}
