package io.lb4j.api;

/**
 * Thrown by {@link Pool#acquire(PickContext)} when no server can be picked. The message names the
 * pool and says why, e.g. {@code "pool 'orders' has no available server: all 3 servers are ejected"}.
 */
public class NoAvailableServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why nothing could be picked. */
    public enum Reason {
        /** The pool has no server at all. */
        EMPTY,
        /** Every server is unavailable (down, ejected, draining or quiesced); the message has the counts. */
        NONE_AVAILABLE,
        /** Every available server is excluded by the pick context (all were already tried). */
        ALL_EXCLUDED,
        /** The pool was closed. */
        CLOSED
    }

    /** The pool's name. */
    private final String pool;
    /** Why nothing could be picked. */
    private final Reason reason;

    /** An exception naming the pool, the reason and a detail for the message. */
    public NoAvailableServerException(String pool, Reason reason, String detail) {
        super("pool '" + pool + "' has no available server: " + detail);
        this.pool = pool;
        this.reason = reason;
    }

    /** The name of the pool that had no server. */
    public String pool() {
        return pool;
    }

    /** Why nothing could be picked. */
    public Reason reason() {
        return reason;
    }
}
