package io.lb4j.jdbc;


import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic proxies for the {@link Statement}s (plain, prepared, callable) and {@link ResultSet}s of a
 * {@link RoutingConnection}: {@code getConnection()} / {@code getStatement()} return the logical objects,
 * {@code unwrap} reaches the driver's, executions are timed into the node's lease, writes are noticed for
 * read-your-writes, and every {@link SQLException} is shown to the routing so that SQLSTATE 08* counts
 * against the node. Same threading rules as the connection.
 */
final class StatementHandler implements InvocationHandler {
    private final RoutingConnection connection;
    private final RoutingConnection.StatementFactory<?> factory;
    private NodeConnection node;
    private Statement target;
    private Object proxy;
    /** Calls made before the first execution, replayed if that execution moves to another node; null after it. */
    private List<Object[]> recorded = new ArrayList<>();

    private StatementHandler(RoutingConnection connection, NodeConnection node, Statement target,
                             RoutingConnection.StatementFactory<?> factory) {
        this.connection = connection;
        this.node = node;
        this.target = target;
        this.factory = factory;
    }

    static <T extends Statement> T wrap(RoutingConnection connection, NodeConnection node, T target, Class<T> type,
                                        RoutingConnection.StatementFactory<T> factory) {
        StatementHandler h = new StatementHandler(connection, node, target, factory);
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
        if (!execute) {
            Object result = call(method, args, false, 0);
            if (name.equals("close")) {
                connection.core().statementClosed(node, target);
                recorded = null;
            } else if (recorded != null && (name.startsWith("set") || name.equals("addBatch") || name.startsWith("clear"))) {
                recorded.add(new Object[]{method, args == null ? null : args.clone()});
            }
            return wrapResult(result);
        }
        for (int attempt = 0; ; attempt++) {
            connection.core().beforeExecute(node);
            long t0 = System.nanoTime();
            try {
                Object result = method.invoke(target, args);
                boolean write = name.startsWith("executeUpdate") || name.startsWith("executeLargeUpdate")
                        || name.endsWith("Batch") || (name.equals("execute") && Boolean.FALSE.equals(result));
                connection.core().afterExecute(node, write, System.nanoTime() - t0);
                recorded = null;
                return wrapResult(result);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (!(cause instanceof SQLException)) {
                    throw cause;
                }
                SQLException sql = (SQLException) cause;
                boolean retry = recorded != null && attempt < 3 && connection.core().mayRetryRead(node, sql);
                SQLException reported = connection.core().onError(node, sql, System.nanoTime() - t0);
                if (!retry) {
                    throw reported;
                }
                moveToAnotherNode(reported);
            }
        }
    }

    /** Re-creates this statement on the node the connection now routes to and replays the recorded calls. */
    private void moveToAnotherNode(SQLException failure) throws SQLException {
        try {
            NodeConnection next = connection.core().retarget();
            Statement fresh = factory.create(next.physical);
            connection.core().statementCreated(next, fresh);
            node = next;
            target = fresh;
            for (Object[] call : recorded) {
                ((Method) call[0]).invoke(fresh, (Object[]) call[1]);
            }
        } catch (InvocationTargetException e) {
            SQLException ex = e.getCause() instanceof SQLException ? (SQLException) e.getCause()
                    : new SQLException("replaying a statement on another node failed: " + e.getCause(), "08006", e.getCause());
            ex.addSuppressed(failure);
            throw ex;
        } catch (IllegalAccessException e) {
            throw new SQLException("replaying a statement on another node failed: " + e, "08006", e);
        } catch (SQLException e) {
            e.addSuppressed(failure);
            throw e;
        }
    }

    private Object call(Method method, Object[] args, boolean timed, long t0) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                throw connection.core().onError(node, (SQLException) cause, timed ? System.nanoTime() - t0 : 0);
            }
            throw cause;
        }
    }

    private Object wrapResult(Object result) {
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
                    throw connection.core().onError(node, (SQLException) cause, 0);
                }
                throw cause;
            }
        }
    }
}
