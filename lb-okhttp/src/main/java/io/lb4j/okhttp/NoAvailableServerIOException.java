package io.lb4j.okhttp;

import io.lb4j.api.NoAvailableServerException;

import java.io.IOException;

/**
 * Thrown by {@link LoadBalancingInterceptor} (through {@code Call.execute()} or to the callback's
 * {@code onFailure}) when the pool behind a logical host has no server to send the request to. The
 * message names the pool and why, e.g. {@code "pool 'orders' has no available server: all 3 servers are
 * ejected"}; the cause is the pool's {@link NoAvailableServerException}. No request was sent anywhere.
 *
 * <p>Immutable after construction (apart from the suppressed exceptions every {@link Throwable} may
 * collect); safe to pass between threads.
 */
public class NoAvailableServerIOException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The pool's name. */
    private final String pool;
    /** Why nothing could be picked. */
    private final NoAvailableServerException.Reason reason;

    /** The pool's exception as an {@code IOException}, for OkHttp's callers. */
    public NoAvailableServerIOException(NoAvailableServerException cause) {
        super(Checks.notNull("cause", cause).getMessage(), cause);
        this.pool = cause.pool();
        this.reason = cause.reason();
    }

    /** The pool's name. */
    public String pool() {
        return pool;
    }

    /** Why nothing could be picked. */
    public NoAvailableServerException.Reason reason() {
        return reason;
    }
}
