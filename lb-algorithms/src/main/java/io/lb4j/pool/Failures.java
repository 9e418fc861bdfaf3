package io.lb4j.pool;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Classifies throwables for the pool: which failures are <em>hard</em> (the request never reached the
 * server: connection refused, no route, the host name does not resolve) and which throwables are too
 * severe to contain.
 *
 * <p>Stateless and thread-safe.
 */
final class Failures {
    /** At most this many causes are walked (a cause cycle cannot loop forever). */
    private static final int MAX_DEPTH = 32;

    private Failures() {
    }

    /**
     * Whether {@code cause}, or one of its causes, says that no connection could be opened: a
     * {@link ConnectException} (refused), a connect timeout ({@code SocketTimeoutException: connect timed out},
     * {@code HttpConnectTimeoutException}: a blackholed host), {@link NoRouteToHostException},
     * {@link PortUnreachableException}, {@link UnknownHostException}, or a JDBC {@link SQLException} with
     * SQLSTATE {@code 08001} (unable to establish a connection) or {@code 08004} (connection rejected).
     * A server failing this way is down, not an outlier.
     */
    static boolean isConnectFailure(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof PortUnreachableException || t instanceof UnknownHostException
                    || t instanceof java.net.http.HttpConnectTimeoutException || isConnectTimeout(t)) {
                return true;
            }
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                if ("08001".equals(state) || "08004".equals(state)) {
                    return true;
                }
            }
            Throwable next = t.getCause();
            if (next == t) {
                break;
            }
            t = next;
        }
        return false;
    }

    /** A connect timeout (a blackholed host): {@code SocketTimeoutException: connect timed out}, as the JDK and OkHttp say. */
    private static boolean isConnectTimeout(Throwable t) {
        if (!(t instanceof SocketTimeoutException)) {
            return false;
        }
        String m = t.getMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains("connect timed out");
    }

    /**
     * Whether a throwable from a listener or a probe must not be contained: an {@link OutOfMemoryError}
     * or another {@link VirtualMachineError} that leaves the JVM unusable. A {@link StackOverflowError}
     * unwinds cleanly and is contained like any other error.
     */
    static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }
}
