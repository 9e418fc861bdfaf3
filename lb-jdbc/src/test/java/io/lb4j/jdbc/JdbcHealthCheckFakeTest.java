package io.lb4j.jdbc;

import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link JdbcHealthCheck} with scripted (fake) data sources; needs no database. */
class JdbcHealthCheckFakeTest {
    private static final Server REPLICA = Server.builder("r1.invalid", 3306).id("r1").build();

    @Test
    void poolWithNoFreeConnectionPassesAsPoolBusyInsteadOfFailingTheReplica() {
        JdbcHealthCheck check = new JdbcHealthCheck("hc", id -> RoutingConnectionErrorPathsTest.fakeDataSource(new AtomicInteger(), () -> {
            throw sneaky(new SQLTransientConnectionException("hc-pool - Connection is not available, request timed out after 30000ms."));
        }), true, null);
        HealthCheckResult r = check.check(REPLICA, Duration.ofSeconds(1));
        assertThat(r.healthy()).isTrue();
        assertThat(r.detail()).startsWith("pool busy");
    }

    @Test
    void realConnectionFailureStillFailsTheProbe() {
        JdbcHealthCheck check = new JdbcHealthCheck("hc", id -> RoutingConnectionErrorPathsTest.fakeDataSource(new AtomicInteger(), () -> {
            throw sneaky(new SQLTransientConnectionException("refused", "08001"));
        }), true, null);
        HealthCheckResult r = check.check(REPLICA, Duration.ofSeconds(1));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).startsWith("unreachable");
    }

    @Test
    void probeSetsTheNetworkTimeoutToItsTimeoutSoASilentServerCannotBlockIt() {
        AtomicInteger networkTimeout = new AtomicInteger(-1);
        JdbcHealthCheck check = new JdbcHealthCheck("hc", id -> RoutingConnectionErrorPathsTest.fakeDataSource(new AtomicInteger(),
                () -> RoutingConnectionErrorPathsTest.fakeConnection(new AtomicBoolean(), (p, m, a) -> {
                    if (m.getName().equals("setNetworkTimeout")) {
                        networkTimeout.set((Integer) a[1]);
                        return null;
                    }
                    if (m.getName().equals("createStatement")) {
                        throw new java.sql.SQLException("stop here", "08S01");
                    }
                    throw new UnsupportedOperationException(m.getName());
                })), false, null);
        assertThat(check.check(REPLICA, Duration.ofMillis(1500)).healthy()).isFalse();
        assertThat(networkTimeout).hasValue(1500);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
