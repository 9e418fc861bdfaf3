package io.lb4j.jdbc;

import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.jdbc.RoutingConnectionErrorPathsTest.fakeConnection;
import static io.lb4j.jdbc.RoutingConnectionErrorPathsTest.fakeDataSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConnectionCore} over a fake primary (JDK proxies); needs no database. */
class ConnectionCoreTest {
    private final AtomicInteger opened = new AtomicInteger();
    private ReplicaRoutingDataSource ds;

    @AfterEach
    void tearDown() {
        if (ds != null) {
            ds.close();
        }
    }

    private ConnectionCore core() throws SQLException {
        ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder()).name("fake")
                .primary(fakeDataSource(opened, () -> fakeConnection(new AtomicBoolean(), (p, m, a) -> {
                    throw new UnsupportedOperationException(m.getName());
                }))).strategy(new Rotation()).replicationCheck(false).build();
        Connection c = ds.getConnection();
        return c.unwrap(RoutingConnection.class).core();
    }

    @Test
    void thePhysicalConnectionIsOpenedOnFirstNeedAndReused() throws SQLException {
        ConnectionCore core = core();
        int before = opened.get();

        core.onCurrent(c -> {
            throw new AssertionError("no current connection yet");
        });
        assertThat(opened.get()).as("nothing opened without need").isEqualTo(before);

        NodeConnection first = core.target();
        assertThat(core.target()).isSameAs(first);
        assertThat(first.onPrimary).isTrue();
        assertThat(opened.get()).isEqualTo(before + 1);
    }

    @Test
    void aClosedCoreRefusesWorkWithSqlState08003NamingTheDataSource() throws SQLException {
        ConnectionCore core = core();
        core.closed = true;

        assertThatThrownBy(core::target).isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessage("connection of 'fake' is closed")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08003"));
    }

    @Test
    void anErrorThatIsNotAConnectionFailureIsReturnedAsItIsAndKeepsTheConnection() throws SQLException {
        ConnectionCore core = core();
        NodeConnection h = core.target();
        SQLException syntax = new SQLException("bad syntax", "42000");

        assertThat((Throwable) core.onError(h, syntax, 0)).isSameAs(syntax);
        assertThat(core.current).isSameAs(h);
        assertThat(h.failure).isNull();
    }

    @Test
    void aConnectionFailureGivesTheConnectionBackAndIsWrappedWithItsSqlState() throws SQLException {
        ConnectionCore core = core();
        NodeConnection h = core.target();
        SQLException lost = new SQLException("communications link failure", "08S01");

        SQLException result = core.onError(h, lost, 0);

        assertThat((Throwable) result).isInstanceOf(SQLNonTransientConnectionException.class).hasCause(lost)
                .hasMessageStartingWith("fake: connection to ");
        assertThat(result.getSQLState()).isEqualTo("08S01");
        assertThat(core.current).isNull();
        assertThat(h.failure).isSameAs(lost);
    }
}
