package io.lb4j.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The dynamic proxy for the {@link DatabaseMetaData} of a {@link RoutingConnection}, as HikariCP's
 * {@code ProxyDatabaseMetaData} does it: {@code getConnection()} returns the logical connection (never the
 * physical one, whose use would bypass the routing), its result sets are the routing's proxies, and every
 * {@link SQLException} is shown to the routing so that SQLSTATE 08* counts against the node. Same threading
 * rules as the connection.
 */
final class MetaDataHandler implements InvocationHandler {
    private final RoutingConnection connection;
    private final NodeConnection node;
    private final DatabaseMetaData target;

    private MetaDataHandler(RoutingConnection connection, NodeConnection node, DatabaseMetaData target) {
        this.connection = connection;
        this.node = node;
        this.target = target;
    }

    static DatabaseMetaData wrap(RoutingConnection connection, NodeConnection node, DatabaseMetaData target) {
        return (DatabaseMetaData) Proxy.newProxyInstance(MetaDataHandler.class.getClassLoader(), new Class<?>[]{DatabaseMetaData.class},
                new MetaDataHandler(connection, node, target));
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        int argc = args == null ? 0 : args.length;
        if (argc == 0 && name.equals("getConnection")) {
            return connection;
        }
        if (argc == 1 && name.equals("equals")) {
            return self == args[0];
        }
        if (argc == 0 && name.equals("hashCode")) {
            return System.identityHashCode(self);
        }
        if (argc == 0 && name.equals("toString")) {
            return "lb4j " + target;
        }
        if (argc == 1 && (name.equals("unwrap") || name.equals("isWrapperFor")) && args[0] instanceof Class
                && ((Class<?>) args[0]).isInstance(self)) {
            return name.equals("unwrap") ? self : Boolean.TRUE;
        }
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                throw connection.core().onError(node, (SQLException) cause, 0);
            }
            throw cause;
        }
        if (result instanceof ResultSet) {
            // metadata result sets have no statement of the application's (JDBC: getStatement() may return null)
            return StatementHandler.ResultSetHandler.wrap(connection, node, (ResultSet) result, null);
        }
        return result;
    }
}
