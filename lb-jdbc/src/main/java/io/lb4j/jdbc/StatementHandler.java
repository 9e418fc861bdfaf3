package io.lb4j.jdbc;

import io.lb4j.jdbc.RoutingConnection.NodeConnection;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Dynamic proxies for the {@link Statement}s (plain, prepared, callable) and {@link ResultSet}s of a
 * {@link RoutingConnection}: {@code getConnection()} / {@code getStatement()} return the logical objects,
 * {@code unwrap} reaches the driver's, executions are timed into the node's lease, writes are noticed for
 * read-your-writes, and every {@link SQLException} is shown to the routing so that SQLSTATE 08* counts
 * against the node. Same threading rules as the connection.
 */
final class StatementHandler implements InvocationHandler {
    private final RoutingConnection connection;
    private final NodeConnection node;
    private final Statement target;
    private Object proxy;

    private StatementHandler(RoutingConnection connection, NodeConnection node, Statement target) {
        this.connection = connection;
        this.node = node;
        this.target = target;
    }

    static <T extends Statement> T wrap(RoutingConnection connection, NodeConnection node, T target, Class<T> type) {
        StatementHandler h = new StatementHandler(connection, node, target);
        T p = type.cast(Proxy.newProxyInstance(StatementHandler.class.getClassLoader(), new Class<?>[]{type}, h));
        h.proxy = p;
        return p;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        int argc = args == null ? 0 : args.length;
        switch (name) {
            case "getConnection":
                if (argc == 0) {
                    return connection;
                }
                break;
            case "equals":
                if (argc == 1) {
                    return self == args[0];
                }
                break;
            case "hashCode":
                if (argc == 0) {
                    return System.identityHashCode(self);
                }
                break;
            case "toString":
                if (argc == 0) {
                    return "lb4j " + target;
                }
                break;
            case "unwrap":
                if (argc == 1 && args[0] instanceof Class && ((Class<?>) args[0]).isInstance(self)) {
                    return self;
                }
                break;
            case "isWrapperFor":
                if (argc == 1 && args[0] instanceof Class && ((Class<?>) args[0]).isInstance(self)) {
                    return true;
                }
                break;
            default:
                break;
        }
        boolean execute = name.startsWith("execute");
        if (execute) {
            connection.beforeExecute(node);
        }
        long t0 = System.nanoTime();
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                connection.onError(node, (SQLException) cause, execute ? System.nanoTime() - t0 : 0);
            }
            throw cause;
        }
        if (execute) {
            boolean write = name.startsWith("executeUpdate") || name.startsWith("executeLargeUpdate")
                    || name.endsWith("Batch") || (name.equals("execute") && Boolean.FALSE.equals(result));
            connection.afterExecute(node, write, System.nanoTime() - t0);
        } else if (name.equals("close")) {
            connection.statementClosed(node, target);
        }
        if (result instanceof ResultSet) {
            return ResultSetHandler.wrap(connection, node, (ResultSet) result, proxy);
        }
        return result;
    }

    /** The proxy for result sets: {@code getStatement()} returns the logical statement; errors are reported. */
    static final class ResultSetHandler implements InvocationHandler {
        private final RoutingConnection connection;
        private final NodeConnection node;
        private final ResultSet target;
        private final Object statement;

        private ResultSetHandler(RoutingConnection connection, NodeConnection node, ResultSet target, Object statement) {
            this.connection = connection;
            this.node = node;
            this.target = target;
            this.statement = statement;
        }

        static ResultSet wrap(RoutingConnection connection, NodeConnection node, ResultSet target, Object statement) {
            return (ResultSet) Proxy.newProxyInstance(StatementHandler.class.getClassLoader(), new Class<?>[]{ResultSet.class},
                    new ResultSetHandler(connection, node, target, statement));
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            int argc = args == null ? 0 : args.length;
            if (name.equals("getStatement") && argc == 0) {
                return statement;
            }
            if (name.equals("equals") && argc == 1) {
                return self == args[0];
            }
            if (name.equals("hashCode") && argc == 0) {
                return System.identityHashCode(self);
            }
            if (name.equals("toString") && argc == 0) {
                return "lb4j " + target;
            }
            if ((name.equals("unwrap") || name.equals("isWrapperFor")) && argc == 1 && args[0] instanceof Class
                    && ((Class<?>) args[0]).isInstance(self)) {
                return name.equals("unwrap") ? self : Boolean.TRUE;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException) {
                    connection.onError(node, (SQLException) cause, 0);
                }
                throw cause;
            }
        }
    }
}
