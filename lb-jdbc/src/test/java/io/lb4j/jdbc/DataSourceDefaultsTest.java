package io.lb4j.jdbc;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link DataSourceDefaults} through {@link DriverNodeDataSource}, which needs no database for these. */
class DataSourceDefaultsTest {
    private final DriverNodeDataSource ds = new DriverNodeDataSource("jdbc:nosuch://db.example:3306/app", new Properties());

    @Test
    void unwrapsToItselfOnly() throws SQLException {
        assertThat(ds.isWrapperFor(DataSource.class)).isTrue();
        assertThat(ds.unwrap(DataSource.class)).isSameAs(ds);
        assertThat(ds.isWrapperFor(String.class)).isFalse();
        assertThat(ds.isWrapperFor(null)).isFalse();
        assertThatThrownBy(() -> ds.unwrap(String.class)).isInstanceOf(SQLException.class)
                .hasMessageContaining("is not a wrapper for class java.lang.String");
    }

    @Test
    void logsThroughSlf4jAndHasNoLoginTimeout() {
        ds.setLogWriter(null);
        ds.setLoginTimeout(5);
        assertThat(ds.getLogWriter()).isNull();
        assertThat(ds.getLoginTimeout()).isZero();
        assertThatThrownBy(ds::getParentLogger).isInstanceOf(SQLFeatureNotSupportedException.class);
    }

    @Test
    void aMissingDriverNamesTheArtifactToAdd() {
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                .hasMessageContaining("no JDBC driver for jdbc:nosuch://db.example:3306/app")
                .hasMessageContaining("com.mysql:mysql-connector-j")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
    }
}
