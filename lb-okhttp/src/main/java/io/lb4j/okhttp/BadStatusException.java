package io.lb4j.okhttp;

import java.io.IOException;

/**
 * Records that a server answered with a status the interceptor counts as a failure (by default 5xx
 * except 501). It is the cause given to the pool's lease, and it is attached as a suppressed exception
 * to a call's final failure when the request was retried after that status. It is never thrown on its
 * own: when the last try's response has such a status, the caller gets the response.
 *
 * <p>Carries no stack trace (it is created on the hot path). Immutable (apart from suppressed exceptions)
 * and safe to pass between threads.
 */
public final class BadStatusException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status code. */
    private final int code;
    /** The id of the server that answered. */
    private final String serverId;

    /** A failure status {@code code} from server {@code serverId}. */
    public BadStatusException(int code, String serverId) {
        super("HTTP " + code + " from server " + serverId);
        this.code = code;
        this.serverId = serverId;
    }

    /** The HTTP status code. */
    public int code() {
        return code;
    }

    /** The id of the server that answered. */
    public String serverId() {
        return serverId;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
