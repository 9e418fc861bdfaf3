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
        // causes and SQLException chains (getNextException) may form cycles (A -> B -> A): walk each
        // distinct throwable once, and at most MAX_WALK of them
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        if (e != null) {
            todo.add(e);
        }
        while (!todo.isEmpty() && seen.size() < MAX_WALK) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
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
                SQLException next = ((SQLException) t).getNextException();
                if (next != null) {
                    todo.add(next);
                }
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return false;
    }

    /** The most throwables {@link #isConnectionFailure} looks at. */
    static final int MAX_WALK = 64;

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
