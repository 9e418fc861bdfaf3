package io.lb4j.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link JdbcHealthCheck} against the real cluster. */
class JdbcHealthCheckTest {
    private static final Server PRIMARY = Server.builder(Cluster.HOST, Cluster.PRIMARY_PORT).id("primary").build();
    private static final Server REPLICA = Server.builder(Cluster.HOST, Cluster.REPLICA1_PORT).id("replica1").build();
    private HikariDataSource primary;
    private HikariDataSource replica;

    @BeforeEach
    void setUp() throws Exception {
        Cluster.require();
        Cluster.awaitHealthyReplication();
        primary = Cluster.pool("hc-primary", Cluster.PRIMARY_PORT);
        replica = Cluster.pool("hc-replica", Cluster.REPLICA1_PORT);
    }

    @AfterEach
    void tearDown() {
        if (primary != null) { // null when setUp was skipped (no cluster outside CI)
            primary.close();
        }
        if (replica != null) {
            replica.close();
        }
    }

    private JdbcHealthCheck check(boolean replication, Duration maxLag) {
        Map<String, DataSource> byId = Map.of("primary", primary, "replica1", replica);
        return new JdbcHealthCheck("hc", byId::get, replication, maxLag);
    }

    @Test
    void replicatingReplicaPassesAndReportsItsLag() {
        JdbcHealthCheck check = check(true, Duration.ofSeconds(5));
        HealthCheckResult r = check.check(REPLICA, Duration.ofSeconds(2));
        assertThat(r.healthy()).isTrue();
        assertThat(r.detail()).isEqualTo("replicating, lag 0s");
        assertThat(check.lagSeconds("replica1")).isZero();
    }

    @Test
    void aServerThatIsNotAReplicaFailsTheReplicationProbe() {
        HealthCheckResult r = check(true, null).check(PRIMARY, Duration.ofSeconds(2));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).contains("not a replica");
    }

    @Test
    void aWritableNodeThatIsNotAReplicaPassesWhileThePrimaryIsDownAsAPromotedReplica() {
        Map<String, DataSource> byId = Map.of("primary", primary, "replica1", replica);
        // the real primary is what a promoted replica looks like: writable, not replicating
        JdbcHealthCheck primaryDown = new JdbcHealthCheck("hc", byId::get, true, null, io.lb4j.api.Ticker.system(), () -> true,
                ReadsWhenPrimaryDown.SERVE_STALE);
        JdbcHealthCheck strict = new JdbcHealthCheck("hc", byId::get, true, null, io.lb4j.api.Ticker.system(), () -> true,
                ReadsWhenPrimaryDown.FAIL);
        JdbcHealthCheck primaryUp = new JdbcHealthCheck("hc", byId::get, true, null, io.lb4j.api.Ticker.system(), () -> false,
                ReadsWhenPrimaryDown.SERVE_STALE);

        HealthCheckResult r = primaryDown.check(PRIMARY, Duration.ofSeconds(2));

        assertThat(r.healthy()).as(r.detail()).isTrue();
        assertThat(r.detail()).contains("promoted");
        assertThat(strict.check(PRIMARY, Duration.ofSeconds(2)).healthy()).as("readsWhenPrimaryDown=fail").isFalse();
        assertThat(primaryUp.check(PRIMARY, Duration.ofSeconds(2)).detail()).as("the primary is up: split brain, not a promotion")
                .contains("not a replica");
    }

    @Test
    void selectOneProbePassesOnThePrimary() {
        HealthCheckResult r = check(false, null).check(PRIMARY, Duration.ofSeconds(2));
        assertThat(r).isEqualTo(HealthCheckResult.pass("SELECT 1 ok"));
    }

    @Test
    void unreachableServerFailsSayingWhy() throws Exception {
        TcpProxy proxy = new TcpProxy(Cluster.REPLICA1_PORT);
        int port = proxy.port();
        proxy.close();
        try (HikariDataSource dead = Cluster.pool("hc-dead", port)) {
            JdbcHealthCheck check = new JdbcHealthCheck("hc", id -> dead, true, null);
            HealthCheckResult r = check.check(Server.builder(Cluster.HOST, port).id("dead").build(), Duration.ofSeconds(2));
            assertThat(r.healthy()).isFalse();
            assertThat(r.detail()).startsWith("unreachable: ").doesNotContain(Cluster.PASSWORD);
            assertThat(check.lagSeconds("dead")).isEqualTo(-1);
        }
    }

    @Test
    void unknownServerFailsWithoutThrowing() {
        HealthCheckResult r = check(true, null).check(Server.of("elsewhere", 3306), Duration.ofSeconds(1));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).isEqualTo("no data source for elsewhere:3306");
    }

    @Test
    void constructorValidatesItsArguments() {
        assertThatThrownBy(() -> new JdbcHealthCheck(" ", id -> null, true, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name must not be blank");
        assertThatThrownBy(() -> new JdbcHealthCheck("hc", null, true, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataSources must not be null");
        assertThatThrownBy(() -> new JdbcHealthCheck("hc", id -> null, true, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLag must be null (no limit) or 0 to PT24H, was PT-1S");
    }

    @Test
    void hugeTimeoutIsClampedInsteadOfOverflowing() {
        HealthCheckResult r = check(false, null).check(PRIMARY, Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(r.healthy()).isTrue();
    }

    @Test
    void nullServerOrBadTimeoutIsAnIllegalArgumentNamingTheField() {
        JdbcHealthCheck check = check(false, null);
        assertThatThrownBy(() -> check.check(null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server");
        assertThatThrownBy(() -> check.check(PRIMARY, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout").hasMessageContaining("null");
        assertThatThrownBy(() -> check.check(PRIMARY, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    }

    @Test
    void maxLagAboveOneDayIsRejectedByTheConstructor() {
        assertThatThrownBy(() -> check(true, Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLag").hasMessageContaining("PT24H");
        assertThat(check(true, Duration.ofDays(1)).maxLag()).isEqualTo(Duration.ofDays(1));
    }
}
