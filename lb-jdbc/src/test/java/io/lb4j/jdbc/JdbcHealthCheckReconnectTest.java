package io.lb4j.jdbc;

import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JdbcHealthCheck} on a replica whose IO thread reconnects (its source is gone), with a scripted
 * {@code SHOW REPLICA STATUS} row and a hand-driven clock: lag = lag at the loss + time since; maxLag applies
 * while the primary is up; {@link ReadsWhenPrimaryDown} decides while it is down. Needs no database.
 */
class JdbcHealthCheckReconnectTest {
    private static final Server REPLICA = Server.builder("r1.invalid", 3306).id("r1").build();
    private final ManualTicker ticker = new ManualTicker();
    private final AtomicBoolean primaryDown = new AtomicBoolean();
    private final Map<String, Object> row = new LinkedHashMap<>(Map.of(
            "Slave_IO_Running", "Yes", "Slave_SQL_Running", "Yes", "Seconds_Behind_Master", 0L, "Last_SQL_Errno", 0L,
            "Last_SQL_Error", ""));

    private JdbcHealthCheck check(ReadsWhenPrimaryDown policy) {
        return new JdbcHealthCheck("hc", id -> RoutingConnectionErrorPathsTest.fakeDataSource(new AtomicInteger(),
                () -> RoutingConnectionErrorPathsTest.fakeConnection(new AtomicBoolean(), (p, m, a) -> {
                    switch (m.getName()) {
                        case "setNetworkTimeout":
                            return null;
                        case "createStatement":
                            return statement();
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                })), true, Duration.ofSeconds(2), ticker, primaryDown::get, policy);
    }

    private Statement statement() {
        return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[]{Statement.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "setQueryTimeout":
                case "close":
                    return null;
                case "executeQuery":
                    return a[0].equals("SELECT 1") ? resultSet(List.of("1"), List.of(1L)) : resultSet(new java.util.ArrayList<>(row.keySet()),
                            new java.util.ArrayList<>(row.values()));
                default:
                    throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    private static ResultSet resultSet(List<String> labels, List<Object> values) {
        ResultSetMetaData md = (ResultSetMetaData) Proxy.newProxyInstance(ResultSetMetaData.class.getClassLoader(),
                new Class<?>[]{ResultSetMetaData.class}, (p, m, a) -> switch (m.getName()) {
                    case "getColumnCount" -> labels.size();
                    case "getColumnLabel" -> labels.get((Integer) a[0] - 1);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        int[] cursor = {0};
        Object[] last = {null};
        return (ResultSet) Proxy.newProxyInstance(ResultSet.class.getClassLoader(), new Class<?>[]{ResultSet.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "next":
                    return cursor[0]++ == 0;
                case "getMetaData":
                    return md;
                case "close":
                    return null;
                case "wasNull":
                    return last[0] == null;
                case "getString":
                    last[0] = values.get((Integer) a[0] - 1);
                    return last[0] == null ? null : String.valueOf(last[0]);
                case "getLong":
                    last[0] = values.get((Integer) a[0] - 1);
                    return last[0] == null ? 0L : ((Number) last[0]).longValue();
                default:
                    throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    private void sourceLost() {
        row.put("Slave_IO_Running", "Connecting");
        row.put("Seconds_Behind_Master", null);
    }

    @Test
    void reconnectingReplicaPassesWithLagSinceTheLossUntilItExceedsMaxLagWhileThePrimaryIsUp() {
        JdbcHealthCheck check = check(ReadsWhenPrimaryDown.SERVE_STALE);
        row.put("Seconds_Behind_Master", 1L);
        assertThat(check.check(REPLICA, Duration.ofSeconds(1)).detail()).isEqualTo("replicating, lag 1s");
        sourceLost();
        HealthCheckResult first = check.check(REPLICA, Duration.ofSeconds(1));
        assertThat(first.healthy()).isTrue();
        assertThat(first.detail()).isEqualTo("IO thread reconnecting, lag >= 1s");
        ticker.advanceMillis(1_000);
        assertThat(check.check(REPLICA, Duration.ofSeconds(1)).healthy()).isTrue();
        assertThat(check.lagSeconds("r1")).isEqualTo(2);
        ticker.advanceMillis(1_000);
        HealthCheckResult late = check.check(REPLICA, Duration.ofSeconds(1));
        assertThat(late.healthy()).isFalse();
        assertThat(late.detail()).isEqualTo("IO thread reconnecting for 3s > maxLag 2s");
        assertThat(check.lagSeconds("r1")).isEqualTo(3);
    }

    @Test
    void serveStaleKeepsTheReplicaWhileThePrimaryIsDownWhateverTheLag() {
        JdbcHealthCheck check = check(ReadsWhenPrimaryDown.SERVE_STALE);
        sourceLost();
        primaryDown.set(true);
        check.check(REPLICA, Duration.ofSeconds(1));
        ticker.advance(Duration.ofMinutes(10));
        HealthCheckResult r = check.check(REPLICA, Duration.ofSeconds(1));
        assertThat(r.healthy()).isTrue();
        assertThat(r.detail()).isEqualTo("IO thread reconnecting, primary down: serving stale reads (lag >= 600s)");
    }

    @Test
    void failPolicyTakesTheReplicaOutWhileThePrimaryIsDown() {
        JdbcHealthCheck check = check(ReadsWhenPrimaryDown.FAIL);
        sourceLost();
        primaryDown.set(true);
        HealthCheckResult r = check.check(REPLICA, Duration.ofSeconds(1));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).isEqualTo("IO thread reconnecting, primary down and readsWhenPrimaryDown=fail");
        primaryDown.set(false);
        assertThat(check.check(REPLICA, Duration.ofSeconds(1)).healthy()).as("primary back, lag 0s").isTrue();
    }

    @Test
    void stoppedSqlThreadStoppedIoThreadOrAReplicationErrorStillTakeItOut() {
        JdbcHealthCheck check = check(ReadsWhenPrimaryDown.SERVE_STALE);
        primaryDown.set(true);
        sourceLost();
        row.put("Slave_SQL_Running", "No");
        assertThat(check.check(REPLICA, Duration.ofSeconds(1)).detail()).isEqualTo("replication stopped: IO thread Connecting, SQL thread No");
        row.put("Slave_SQL_Running", "Yes");
        row.put("Slave_IO_Running", "No");
        assertThat(check.check(REPLICA, Duration.ofSeconds(1)).detail()).isEqualTo("replication stopped: IO thread No, SQL thread Yes");
        row.put("Slave_IO_Running", "Connecting");
        row.put("Last_SQL_Errno", 1062L);
        row.put("Last_SQL_Error", "Duplicate entry '1' for key 'PRIMARY'");
        HealthCheckResult r = check.check(REPLICA, Duration.ofSeconds(1));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).isEqualTo("replication error 1062: Duplicate entry '1' for key 'PRIMARY'");
        assertThat(check.lagSeconds("r1")).isEqualTo(-1);
    }
}
