package io.lb4j.jdbc;

import io.lb4j.api.Server;

import javax.sql.DataSource;

/** One database node; its role is the {@link Topology}'s to say. Immutable. */
final class Node {
    final Server server;
    final DataSource dataSource;

    Node(Server server, DataSource dataSource) {
        this.server = server;
        this.dataSource = dataSource;
    }

    String name() {
        return server.id();
    }

    /** {@code 'name' (host:port)} */
    String label() {
        return "'" + server.id() + "' (" + server.address() + ")";
    }

    /** {@code primary 'name' (host:port)} or {@code replica 'name' (host:port)} */
    String describe(boolean asPrimary) {
        return (asPrimary ? "primary " : "replica ") + label();
    }
}
