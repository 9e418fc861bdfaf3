package io.lb4j.jdbc;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** SQLSTATE helpers. Stateless. */
final class Errors {
    private Errors() {
    }

    /**
     * Whether {@code e} says the connection to the server is broken: SQLSTATE class 08, or a connection
     * exception type. A {@link SQLTransientConnectionException} with neither SQLSTATE nor cause is a
     * client-side pool that had no free connection in time (HikariCP's "Connection is not available"
     * while the database is fine): that says nothing about the server and is not a failure.
     */
    static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                if (state != null && state.startsWith("08")) {
                    return true;
                }
                if (t instanceof SQLNonTransientConnectionException || t instanceof SQLRecoverableException) {
                    return true;
                }
                if (t instanceof SQLTransientConnectionException && (state != null || t.getCause() != null)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} is a client-side pool's "no connection available in time" (a
     * {@link SQLTransientConnectionException} with neither SQLSTATE nor cause): the node may be fine.
     */
    static boolean isPoolTimeout(Throwable e) {
        return e instanceof SQLTransientConnectionException && ((SQLException) e).getSQLState() == null && e.getCause() == null;
    }

    /** One line: class, SQLSTATE and message, without stack. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        if (e instanceof SQLException && ((SQLException) e).getSQLState() != null) {
            sb.append(" [").append(((SQLException) e).getSQLState()).append(']');
        }
        String msg = e.getMessage();
        if (msg != null) {
            int nl = msg.indexOf('\n');
            sb.append(": ").append(nl >= 0 ? msg.substring(0, nl) : msg);
        }
        return sb.toString();
    }
}
