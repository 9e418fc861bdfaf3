package io.lb4j.discovery;

import java.util.List;

import io.lb4j.api.Server;

/**
 * What a {@link PoolBinder} did with one delivery of its source.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pool     the pool's name
 * @param source   the source's name
 * @param kind     what happened
 * @param servers  the list concerned (empty for {@link Kind#SOURCE_FAILED})
 * @param reason   a human-readable reason
 * @param nanoTime the binder's ticker reading when it happened
 */
public record DiscoveryEvent(String pool, String source, Kind kind, List<Server> servers, String reason, long nanoTime) {

    /** What a binder did. */
    public enum Kind {
        /** The list was applied to the pool with one {@code update}. */
        APPLIED,
        /** The source reported a failure; the pool keeps its servers. Once per run of failures. */
        SOURCE_FAILED,
        /** The source delivered an empty list while the pool had healthy servers; the pool keeps them. Once per run. */
        EMPTY_IGNORED,
        /** The list would remove more than the configured share of servers; held until the next list confirms it. */
        REMOVAL_HELD,
        /** A held removal was confirmed (by the next list or by hand) and applied. */
        REMOVAL_CONFIRMED,
        /** The pool rejected the list (e.g. closed); nothing changed. */
        APPLY_FAILED
    }

    /** Copies the server list. */
    public DiscoveryEvent {
        for (Object[] field : new Object[][] {{"pool", pool}, {"source", source}, {"kind", kind}, {"servers", servers}}) {
            if (field[1] == null) {
                throw new IllegalArgumentException(field[0] + " must not be null");
            }
        }
        for (Server s : servers) { // not contains(null): List.of's throws NullPointerException
            if (s == null) {
                throw new IllegalArgumentException("servers must not contain null, was " + servers);
            }
        }
        servers = List.copyOf(servers);
    }

    @Override
    public String toString() {
        return "pool '" + pool + "' from " + source + ": " + kind + " (" + servers.size() + " servers; " + reason + ")";
    }
}
