package io.lb4j.pool;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Failures: which throwables say "no connection could be opened" (hard) and which must not be contained. */
class FailuresTest {

    /** {@code depth} wrappers around {@code root}: depth 0 is the root itself. */
    private static Throwable wrapped(Throwable root, int depth) {
        Throwable t = root;
        for (int i = 0; i < depth; i++) {
            t = new RuntimeException("wrapper " + i, t);
        }
        return t;
    }

    @Test
    void connectionRefusedIsAConnectFailure() {
        assertThat(Failures.isConnectFailure(new ConnectException("Connection refused"))).isTrue();
    }

    @Test
    void noRouteUnreachablePortAndUnknownHostAreConnectFailures() {
        assertThat(Failures.isConnectFailure(new NoRouteToHostException("no route"))).isTrue();
        assertThat(Failures.isConnectFailure(new PortUnreachableException("unreachable"))).isTrue();
        assertThat(Failures.isConnectFailure(new UnknownHostException("db.invalid"))).isTrue();
    }

    @Test
    void anHttpClientConnectTimeoutIsAConnectFailureButARequestTimeoutIsNot() {
        assertThat(Failures.isConnectFailure(new HttpConnectTimeoutException("HTTP connect timed out"))).isTrue();
        assertThat(Failures.isConnectFailure(new HttpTimeoutException("request timed out"))).isFalse();
    }

    @Test
    void aSocketTimeoutCountsOnlyWhenItSaysConnectTimedOutInAnyCase() {
        assertThat(Failures.isConnectFailure(new SocketTimeoutException("connect timed out"))).isTrue();
        assertThat(Failures.isConnectFailure(new SocketTimeoutException("Connect Timed Out"))).isTrue();
        assertThat(Failures.isConnectFailure(new SocketTimeoutException("Read timed out"))).isFalse();
        assertThat(Failures.isConnectFailure(new SocketTimeoutException())).isFalse(); // null message
    }

    @Test
    void jdbcConnectFailuresAreSqlStates08001And08004Only() {
        assertThat(Failures.isConnectFailure(new SQLException("cannot connect", "08001"))).isTrue();
        assertThat(Failures.isConnectFailure(new SQLException("rejected", "08004"))).isTrue();
        assertThat(Failures.isConnectFailure(new SQLException("link failure", "08S01"))).isFalse();
        assertThat(Failures.isConnectFailure(new SQLTransientConnectionException("no state"))).isFalse();
        assertThat(Failures.isConnectFailure(new SQLException("syntax", "42000"))).isFalse();
    }

    @Test
    void failuresAfterTheConnectionOpenedAreNotConnectFailures() {
        assertThat(Failures.isConnectFailure(new IOException("unexpected end of stream"))).isFalse();
        assertThat(Failures.isConnectFailure(new SocketException("Connection reset"))).isFalse();
        assertThat(Failures.isConnectFailure(new IllegalStateException("HTTP 503"))).isFalse();
    }

    @Test
    void nullIsNotAConnectFailure() {
        assertThat(Failures.isConnectFailure(null)).isFalse();
    }

    @Test
    void aConnectFailureIsFoundAmongTheCauses() {
        Throwable t = new UncheckedIOException(new IOException("call failed", new ConnectException("refused")));
        assertThat(Failures.isConnectFailure(t)).isTrue();
    }

    @Test
    void atMost32ThrowablesOfTheChainAreWalked() {
        assertThat(Failures.isConnectFailure(wrapped(new ConnectException("refused"), 31))).isTrue(); // the 32nd
        assertThat(Failures.isConnectFailure(wrapped(new ConnectException("refused"), 32))).isFalse(); // the 33rd
    }

    @Test
    void aCauseCycleEndsTheWalk() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b); // a -> b -> a -> ...
        assertThat(Failures.isConnectFailure(a)).isFalse();
    }

    @Test
    void aThrowableThatIsItsOwnCauseEndsTheWalk() {
        Throwable self = new Exception("self") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        assertThat(Failures.isConnectFailure(self)).isFalse();
    }

    @Test
    void virtualMachineErrorsAreFatal() {
        assertThat(Failures.isFatal(new OutOfMemoryError("heap"))).isTrue();
        assertThat(Failures.isFatal(new InternalError("jvm"))).isTrue();
    }

    @Test
    void aStackOverflowIsContainedLikeAnyOtherError() {
        assertThat(Failures.isFatal(new StackOverflowError())).isFalse();
    }

    @Test
    void exceptionsAndOrdinaryErrorsAreNotFatal() {
        assertThat(Failures.isFatal(new RuntimeException("x"))).isFalse();
        assertThat(Failures.isFatal(new Exception("x"))).isFalse();
        assertThat(Failures.isFatal(new AssertionError("x"))).isFalse();
        assertThat(Failures.isFatal(new NoClassDefFoundError("x"))).isFalse();
    }
}
