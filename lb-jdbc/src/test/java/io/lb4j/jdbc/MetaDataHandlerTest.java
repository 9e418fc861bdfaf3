package io.lb4j.jdbc;

import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.jdbc.RoutingConnectionErrorPathsTest.fakeConnection;
import static io.lb4j.jdbc.RoutingConnectionErrorPathsTest.fakeDataSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link DatabaseMetaData} proxy of a routing connection, over a fake primary (JDK proxies); needs no database. */
class MetaDataHandlerTest {
    private static final SQLException SYNTAX = new SQLException("not supported here", "42000");
    private ReplicaRoutingDataSource ds;

    @AfterEach
    void tearDown() {
        if (ds != null) {
            ds.close();
        }
    }

    private static DatabaseMetaData fakeMetaData() {
        return (DatabaseMetaData) Proxy.newProxyInstance(DatabaseMetaData.class.getClassLoader(),
                new Class<?>[]{DatabaseMetaData.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getDatabaseProductName":
                            return "FakeDB";
                        case "toString":
                            return "fakeMeta";
                        case "getURL":
                            throw SYNTAX;
                        case "getUserName":
                            throw new SQLException("communications link failure", "08S01");
                        case "getConnection":
                            throw new AssertionError("the physical connection must not be asked");
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    private Connection connection() throws SQLException {
        ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder()).name("fake")
                .primary(fakeDataSource(new AtomicInteger(), () -> fakeConnection(new AtomicBoolean(), (p, m, a) -> {
                    if (m.getName().equals("getMetaData")) {
                        return fakeMetaData();
                    }
                    throw new UnsupportedOperationException(m.getName());
                }))).strategy(new Rotation()).replicationCheck(false).build();
        return ds.getConnection();
    }

    @Test
    void getConnectionReturnsTheLogicalConnectionAndOtherCallsReachTheNode() throws SQLException {
        Connection c = connection();
        DatabaseMetaData md = c.getMetaData();

        assertThat(md.getConnection()).isSameAs(c);
        assertThat(md.getDatabaseProductName()).isEqualTo("FakeDB");
    }

    @Test
    void identityToStringAndUnwrapAreTheProxysOwn() throws SQLException {
        DatabaseMetaData md = connection().getMetaData();

        assertThat(md.toString()).isEqualTo("lb4j fakeMeta");
        assertThat(md.unwrap(DatabaseMetaData.class)).isSameAs(md);
        assertThat(md.isWrapperFor(DatabaseMetaData.class)).isTrue();
        assertThat(md.equals(md)).isTrue();
        assertThat(md.hashCode()).isEqualTo(System.identityHashCode(md));
    }

    @Test
    void anSqlExceptionThatIsNotAConnectionFailureIsThrownAsItIs() throws SQLException {
        DatabaseMetaData md = connection().getMetaData();

        assertThatThrownBy(md::getURL).isSameAs(SYNTAX);
    }

    @Test
    void aConnectionFailureIsShownToTheRoutingAndThrownAsAConnectionError() throws SQLException {
        Connection c = connection();
        DatabaseMetaData md = c.getMetaData();
        NodeConnection node = c.unwrap(RoutingConnection.class).core().current;

        assertThatThrownBy(md::getUserName).isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageStartingWith("fake: connection to ")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08S01"));
        assertThat(node.failure).isInstanceOf(SQLException.class).hasMessage("communications link failure");
        assertThat(c.unwrap(RoutingConnection.class).core().current).as("given back").isNull();
    }
}
