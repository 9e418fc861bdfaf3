package io.lb4j.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;

/**
 * One node reached through {@link DriverManager}: a connection per call, no pooling. Its
 * {@code toString()} shows the node URL, never the properties.
 *
 * <p>Immutable; thread-safe.
 */
final class DriverNodeDataSource implements DataSource {
    private final String url;
    private final Properties properties;

    DriverNodeDataSource(String url, Properties properties) {
        this.url = url;
        this.properties = properties;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Driver driver;
        try {
            driver = DriverManager.getDriver(url);
        } catch (SQLException e) {
            String artifact = url.startsWith("jdbc:mariadb:") ? "org.mariadb.jdbc:mariadb-java-client" : "com.mysql:mysql-connector-j";
            throw new SQLException("no JDBC driver for " + url + " on the class path; add " + artifact, "08001", e);
        }
        Connection c = driver.connect(url, properties);
        if (c == null) {
            throw new SQLException("the driver " + driver.getClass().getName() + " refused " + url, "08001");
        }
        return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials come from the jdbc:lb: URL");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // slf4j
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // connectTimeout property
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("slf4j");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface != null && iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface != null && iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "DriverNodeDataSource[" + url + "]";
    }
}
