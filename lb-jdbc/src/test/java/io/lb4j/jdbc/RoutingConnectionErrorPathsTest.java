package io.lb4j.jdbc;

import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lease and error handling of {@link RoutingConnection} with scripted (fake) nodes; needs no database. */
class RoutingConnectionErrorPathsTest {
    private ReplicaRoutingDataSource ds;

    @AfterEach
    void tearDown() {
        if (ds != null) {
            ds.close();
        }
    }

    /** A physical connection answering getAutoCommit/isReadOnly/isClosed, delegating other calls to {@code other}. */
    static Connection fakeConnection(AtomicBoolean closed, InvocationHandler other) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "close":
                    closed.set(true);
                    return null;
                case "isClosed":
                    return closed.get();
                case "getAutoCommit":
                    return true;
                case "isReadOnly":
                    return false;
                case "toString":
                    return "fake";
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == a[0];
                default:
                    return other.invoke(p, m, a);
            }
        });
    }

    static DataSource fakeDataSource(AtomicInteger opened, java.util.function.Supplier<Connection> connections) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class}, (p, m, a) -> {
            if (m.getName().equals("getConnection")) {
                opened.incrementAndGet();
                return connections.get();
            }
            if (m.getName().equals("toString")) {
                return "fakeDataSource";
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private ReplicaRoutingDataSource routing(DataSource primary) {
        return JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder()).name("fake").primary(primary)
                .strategy(new Rotation()).replicationCheck(false).build();
    }

    @Test
    void errorThrownByTheNodeDataSourceCompletesTheLease() {
        ds = routing(fakeDataSource(new AtomicInteger(), () -> {
            throw new StackOverflowError("deep");
        }));
        for (int i = 0; i < 3; i++) {
            try (Connection c = ds.getConnection()) {
                assertThatThrownBy(c::createStatement).isInstanceOf(StackOverflowError.class);
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }
        NodeStats s = ds.stats("primary");
        assertThat(s.inFlight()).isZero();
        assertThat(s.picks()).isEqualTo(s.successes() + s.failures());
        assertThat(s.failures()).isPositive();
    }

    @Test
    void errorWhileApplyingSessionStateCompletesTheLeaseAndClosesThePhysicalConnection() throws SQLException {
        AtomicBoolean closed = new AtomicBoolean();
        ds = routing(fakeDataSource(new AtomicInteger(), () -> fakeConnection(closed, (p, m, a) -> {
            if (m.getName().equals("setTransactionIsolation")) {
                throw new AssertionError("boom");
            }
            throw new UnsupportedOperationException(m.getName());
        })));
        try (Connection c = ds.getConnection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertThatThrownBy(c::createStatement).isInstanceOf(AssertionError.class);
        }
        NodeStats s = ds.stats("primary");
        assertThat(s.inFlight()).isZero();
        assertThat(s.failures()).isEqualTo(1);
        assertThat(closed).isTrue();
    }

    private static DataSource refusingIsolation(AtomicInteger opened) {
        return fakeDataSource(opened, () -> fakeConnection(new AtomicBoolean(), (p, m, a) -> {
            if (m.getName().equals("setTransactionIsolation")) {
                throw new java.sql.SQLSyntaxErrorException("isolation refused", "42000", 1064);
            }
            throw new UnsupportedOperationException(m.getName());
        }));
    }

    @Test
    void invalidIsolationAndHoldabilityAreRejectedAtOnceNamingValueAndAllowed() throws SQLException {
        AtomicInteger opened = new AtomicInteger();
        ds = routing(refusingIsolation(opened));
        try (Connection c = ds.getConnection()) {
            assertThatThrownBy(() -> c.setTransactionIsolation(99)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("99").hasMessageContaining("TRANSACTION_SERIALIZABLE (8)")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY024");
            assertThatThrownBy(() -> c.setTransactionIsolation(Connection.TRANSACTION_NONE)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("level 0");
            assertThatThrownBy(() -> c.setHoldability(7)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("holdability 7").hasMessageContaining("CLOSE_CURSORS_AT_COMMIT (2)")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY024");
        }
        assertThat(opened).hasValue(0);
    }

    @Test
    void sessionSettingRefusedByThePrimaryKeepsItsSqlStateAndIsNotReportedUnreachable() throws SQLException {
        ds = routing(refusingIsolation(new AtomicInteger()));
        try (Connection c = ds.getConnection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class)
                    .hasMessageNotContaining("unreachable")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42000");
        }
        assertThat(ds.stats("primary").failures()).isZero();
        assertThat(ds.stats("primary").inFlight()).isZero();
    }

    @Test
    void sessionSettingRefusedByAReplicaIsNotFannedOutOverTheOtherReplicasOrThePrimary() throws SQLException {
        AtomicInteger opened = new AtomicInteger();
        ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder()).name("fake").primary(refusingIsolation(opened))
                .replica("r1", refusingIsolation(opened)).replica("r2", refusingIsolation(opened))
                .strategy(new Rotation()).replicationCheck(false).build();
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42000");
        }
        assertThat(opened).hasValue(1);
        assertThat(ds.stats("r1").failures() + ds.stats("r2").failures()).isZero();
    }

    /** A node whose connections answer isValid with {@code valid}, count isValid calls, and make do-nothing statements. */
    private static DataSource answeringNode(AtomicInteger opened, AtomicBoolean valid, AtomicInteger validations) {
        return fakeDataSource(opened, () -> fakeConnection(new AtomicBoolean(), (p, m, a) -> {
            switch (m.getName()) {
                case "isValid":
                    validations.incrementAndGet();
                    return valid.get();
                case "createStatement":
                    return Proxy.newProxyInstance(java.sql.Statement.class.getClassLoader(), new Class<?>[]{java.sql.Statement.class},
                            (sp, sm, sa) -> sm.getReturnType() == boolean.class ? Boolean.FALSE
                                    : sm.getReturnType() == int.class ? Integer.valueOf(0) : null);
                default:
                    if (m.getReturnType() == void.class) {
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
            }
        }));
    }

    @Test
    void staleParkedConnectionIsReplacedWithoutCountingAFailureAgainstItsNode() throws SQLException {
        AtomicInteger primaryOpened = new AtomicInteger();
        AtomicBoolean primaryValid = new AtomicBoolean(false);
        AtomicInteger validations = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder()).name("fake")
                .primary(answeringNode(primaryOpened, primaryValid, validations))
                .replica("r1", answeringNode(new AtomicInteger(), new AtomicBoolean(true), new AtomicInteger()))
                .strategy(new Rotation()).replicationCheck(false)
                .retainPhysicalConnections(true).ticker(now::get).build();
        try (Connection c = ds.getConnection()) {
            c.createStatement().close(); // primary
            c.setReadOnly(true);
            c.createStatement().close(); // replica; the primary's connection is parked
            c.setReadOnly(false);
            c.createStatement().close(); // parked for 0 s: reused without a round trip
            assertThat(primaryOpened).hasValue(1);
            assertThat(validations).hasValue(0);

            c.setReadOnly(true);
            c.createStatement().close();
            now.addAndGet(Checkouts.VALIDATE_PARKED_AFTER_NANOS + 1);
            c.setReadOnly(false);
            c.createStatement().close(); // parked too long: validated, found dead, replaced
            assertThat(validations).hasValue(1);
            assertThat(primaryOpened).hasValue(2);
        }
        assertThat(ds.stats("primary").failures()).isZero();
        assertThat(ds.stats("primary").inFlight()).isZero();
    }
}
