package io.lb4j.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Errors}: classifying connection failures. */
class ErrorsTest {

    @Test
    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void causeCycleEndsTheWalkInsteadOfLoopingForever() {
        SQLException a = new SQLException("a", "HY000");
        SQLException b = new SQLException("b", "HY000", a);
        a.initCause(b); // a -> b -> a
        assertThat(Errors.isConnectionFailure(a)).isFalse();
    }

    @Test
    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void connectionFailureBehindACycleOrInTheNextExceptionChainIsFound() {
        SQLException a = new SQLException("a", "HY000");
        SQLException b = new SQLException("b", "HY000", a);
        a.initCause(b);
        a.setNextException(new SQLException("link failure", "08S01"));
        assertThat(Errors.isConnectionFailure(a)).isTrue();
    }

    @Test
    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nextExceptionCycleIsBounded() {
        SQLException a = new SQLException("a", "HY000");
        SQLException b = new SQLException("b", "HY000");
        a.setNextException(b);
        b.setNextException(new SQLException("c", "HY000"));
        assertThat(Errors.isConnectionFailure(a)).isFalse();
        assertThat(Errors.isConnectionFailure(null)).isFalse();
    }

    @Test
    void poolTimeoutIsNeitherAConnectionFailureNorIgnoredAsOne() {
        SQLTransientConnectionException t = new SQLTransientConnectionException("Connection is not available");
        assertThat(Errors.isConnectionFailure(t)).isFalse();
        assertThat(Errors.isPoolTimeout(t)).isTrue();
    }
}
