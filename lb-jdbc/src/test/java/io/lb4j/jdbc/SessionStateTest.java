package io.lb4j.jdbc;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SessionState}: replaying settings on a physical connection, ending a transaction, the argument checks. */
class SessionStateTest {
    private final List<String> setters = new ArrayList<>();

    /** A physical connection with auto-commit on and read-only off that records every setter called on it. */
    private Connection recording() {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (p, m, a) -> {
                    switch (m.getName()) {
                        case "getAutoCommit":
                            return true;
                        case "isReadOnly":
                            return false;
                        default:
                            if (m.getName().startsWith("set")) {
                                setters.add(m.getName() + (a[a.length - 1] instanceof Executor ? "" : "(" + a[a.length - 1] + ")"));
                                return null;
                            }
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    @Test
    void settingsNeverMadeAreNotReplayed() throws SQLException {
        new SessionState().applyTo(recording());

        assertThat(setters).isEmpty();
    }

    @Test
    void everySettingMadeIsReplayedInOrder() throws SQLException {
        SessionState s = new SessionState();
        s.autoCommit = false;
        s.isolation = Connection.TRANSACTION_SERIALIZABLE;
        s.catalog = "shop";
        s.schema = "public";
        s.holdability = ResultSet.CLOSE_CURSORS_AT_COMMIT;
        s.networkTimeoutExecutor = Runnable::run;
        s.networkTimeout = 1500;
        s.readOnly = true;

        s.applyTo(recording());

        assertThat(setters).containsExactly("setAutoCommit(false)", "setTransactionIsolation(8)", "setCatalog(shop)",
                "setSchema(public)", "setHoldability(2)", "setNetworkTimeout(1500)", "setReadOnly(true)");
    }

    @Test
    void aPendingReadOnlyChangeIsVisibleAndAppliedWhenTheTransactionEnds() {
        SessionState s = new SessionState();
        s.inTransaction = true;
        s.wrote = true;
        s.mayHaveWritten = true;
        s.pendingReadOnly = true;

        assertThat(s.visibleReadOnly()).isTrue();
        assertThat(s.readOnly).isFalse();
        assertThat(s.endTransaction()).as("the mode changed").isTrue();
        assertThat(s.readOnly).isTrue();
        assertThat(s.pendingReadOnly).isNull();
        assertThat(s.inTransaction).isFalse();
        assertThat(s.wrote).isFalse();
        assertThat(s.mayHaveWritten).isFalse();
    }

    @Test
    void aPendingReadOnlyEqualToTheCurrentModeIsNoChange() {
        SessionState s = new SessionState();
        s.pendingReadOnly = false;

        assertThat(s.endTransaction()).isFalse();
        assertThat(s.pendingReadOnly).isNull();
        assertThat(s.readOnly).isFalse();
    }

    @Test
    void anInvalidIsolationLevelIsRefusedNamingTheValueAndTheAllowedOnes() {
        assertThatThrownBy(() -> SessionState.checkIsolation(3)).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("transaction isolation level 3 is invalid")
                .hasMessageContaining("TRANSACTION_SERIALIZABLE (8)")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("HY024"));
        assertThatCode(() -> SessionState.checkIsolation(Connection.TRANSACTION_REPEATABLE_READ)).doesNotThrowAnyException();
    }

    @Test
    void anInvalidHoldabilityAndANegativeNetworkTimeoutAreRefused() {
        assertThatThrownBy(() -> SessionState.checkHoldability(0)).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("holdability 0 is invalid");
        assertThatThrownBy(() -> SessionState.checkNetworkTimeout(-1)).isInstanceOf(SQLException.class)
                .hasMessage("network timeout must be >= 0 ms, was -1");
        assertThatCode(() -> SessionState.checkNetworkTimeout(0)).doesNotThrowAnyException();
    }
}
