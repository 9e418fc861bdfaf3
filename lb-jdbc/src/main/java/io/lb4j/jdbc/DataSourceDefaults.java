package io.lb4j.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * What lb-jdbc's data sources answer alike: no log writer and no login timeout (logging goes through slf4j,
 * timeouts are each node's connection settings), unwrapping to themselves only.
 *
 * <p>Stateless; thread-safe.
 */
abstract class DataSourceDefaults implements DataSource {

    /** Always null: logging goes through slf4j. */
    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    /** Ignored: logging goes through slf4j. */
    @Override
    public void setLogWriter(PrintWriter out) {
        // logging goes through slf4j
    }

    /** Ignored: each node's data source has its own connection timeout. */
    @Override
    public void setLoginTimeout(int seconds) {
        // each node's data source has its own connection timeout
    }

    /** Always 0: see {@link #setLoginTimeout}. */
    @Override
    public int getLoginTimeout() {
        return 0;
    }

    /** Not supported: lb4j logs through slf4j. */
    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("lb4j logs through slf4j");
    }

    /** This data source, if it is an {@code iface}. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface != null && iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException(this + " is not a wrapper for " + iface);
    }

    /** Whether this data source is an {@code iface}. */
    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface != null && iface.isInstance(this);
    }
}
