package io.lb4j.okhttp;

import java.io.IOException;

/**
 * Thrown by {@link LoadBalancingInterceptor} when a request is for a managed logical host but none of
 * that host's layer-7 routes matches its path. The message names the host, the path and the routes.
 * No request was sent anywhere.
 *
 * <p>Immutable after construction (apart from the suppressed exceptions every {@link Throwable} may
 * collect); safe to pass between threads.
 */
public class NoRouteIOException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception with this message. */
    public NoRouteIOException(String message) {
        super(message);
    }
}
