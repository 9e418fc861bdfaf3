package io.lb4j.jdbc;

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
final class DriverNodeDataSource extends DataSourceDefaults {
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
    public String toString() {
        return "DriverNodeDataSource[" + url + "]";
    }
}
