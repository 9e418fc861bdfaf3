package io.lb4j.api;

/**
 * A real transition of one server's {@link HealthState} in a pool, or its arrival or departure.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pool     the pool's name
 * @param server   the server concerned
 * @param kind     what happened
 * @param previous the state before (for {@link Kind#ADDED}: the state it was added in)
 * @param current  the state after (for {@link Kind#REMOVED}: the state it was in)
 * @param reason   a human-readable reason, e.g. {@code "3 failures within 10s (max_fails=3)"}
 * @param nanoTime the pool's ticker reading when it happened
 */
public record HealthEvent(String pool, Server server, Kind kind, HealthState previous, HealthState current,
                          String reason, long nanoTime) {

    /** What kind of change an event reports. */
    public enum Kind {
        /** The server joined the pool. */
        ADDED,
        /** The server left the pool. */
        REMOVED,
        /** The server's health state changed from {@code previous} to {@code current}. */
        STATE_CHANGED,
        /** The server's weight changed (re-weighted or quiesced). */
        WEIGHT_CHANGED
    }

    /** Validates the components: none may be null. */
    public HealthEvent {
        Checks.notNull("pool", pool);
        Checks.notNull("server", server);
        Checks.notNull("kind", kind);
        Checks.notNull("previous", previous);
        Checks.notNull("current", current);
        Checks.notNull("reason", reason);
    }

    @Override
    public String toString() {
        return "pool '" + pool + "' " + server.id() + ": " + kind
                + (kind == Kind.STATE_CHANGED ? " " + previous + " -> " + current : " (" + current + ")")
                + " (" + reason + ")";
    }
}
