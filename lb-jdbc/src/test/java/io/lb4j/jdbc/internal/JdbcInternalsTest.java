package io.lb4j.jdbc.internal;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.HealthState;
import io.lb4j.jdbc.LbDriver;
import io.lb4j.jdbc.ReplicaRoutingDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The internal test hooks of lb-jdbc: manual probe rounds on a data source and for the driver, and a bridge
 * nobody outside io.lb4j.jdbc can replace. Needs no database.
 */
class JdbcInternalsTest {

    @AfterEach
    void tearDown() {
        JdbcInternals.driverManualHealthChecks(false);
        LbDriver.closeAll();
    }

    /** A node whose every connection attempt is refused (SQLSTATE 08001), as from a stopped server. */
    private static DataSource refusing() {
        return (DataSource) Proxy.newProxyInstance(JdbcInternalsTest.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("getConnection")) {
                        throw new SQLNonTransientConnectionException("refused", "08001");
                    }
                    if (m.getName().equals("toString")) {
                        return "refusing";
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void aManualDataSourceProbesOnlyWhenAsked() {
        try (ReplicaRoutingDataSource ds = JdbcInternals.manualHealthChecks(ReplicaRoutingDataSource.builder())
                .name("manual").primary(refusing()).replica("r1", refusing()).strategy(new RoundRobin())
                .replicationCheck(false).failover(false).fall(1).build()) {
            assertThat(ds.replicaPool().state("r1")).isEqualTo(HealthState.UP);
            assertThat(probeThreadsOf("manual")).isZero();
            JdbcInternals.checkHealthNow(ds);
            assertThat(ds.replicaPool().state("r1")).isEqualTo(HealthState.EJECTED);
        }
    }

    @Test
    void theDriverSwitchDecidesWhetherItsRoutingsScheduleProbes() throws SQLException {
        String url = "jdbc:lb:mysql://127.0.0.1:1,127.0.0.1:2/db?lb.name=";
        JdbcInternals.driverManualHealthChecks(true);
        ReplicaRoutingDataSource manual = LbDriver.dataSource(url + "switch-manual", new Properties());
        assertThat(probeThreadsOf("switch-manual")).isZero();

        JdbcInternals.driverManualHealthChecks(false);
        ReplicaRoutingDataSource scheduled = LbDriver.dataSource(url + "switch-scheduled", new Properties());
        assertThat(probeThreadsOf("switch-scheduled")).isPositive();
        assertThat(scheduled).isNotSameAs(manual);
    }

    @Test
    void theSameUrlInEachModeIsADifferentRouting() throws SQLException {
        String url = "jdbc:lb:mysql://127.0.0.1:1/db?lb.name=same-url";
        JdbcInternals.driverManualHealthChecks(true);
        ReplicaRoutingDataSource manual = LbDriver.dataSource(url, null);
        assertThat(LbDriver.dataSource(url, null)).isSameAs(manual);
        JdbcInternals.driverManualHealthChecks(false);
        assertThat(LbDriver.dataSource(url, null)).isNotSameAs(manual);
    }

    @Test
    void nullArgumentsAreRefusedNamingThem() {
        assertThatThrownBy(() -> JdbcInternals.manualHealthChecks(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("builder must not be null");
        assertThatThrownBy(() -> JdbcInternals.checkHealthNow(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dataSource must not be null");
    }

    @Test
    void theBridgeCannotBeReplacedFromOutsideTheJdbcPackage() {
        ReplicaRoutingDataSource.builder(); // the bridge is installed
        assertThatThrownBy(() -> JdbcInternals.install(null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("JdbcInternals is installed by io.lb4j.jdbc only, once");
    }

    /** Live threads that run scheduled role or health probes for the routing named {@code name}. */
    private static long probeThreadsOf(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (t.getName().startsWith("lb4j-topology-" + name + "-")
                        || t.getName().startsWith("lb4j-" + name + "-")))
                .count();
    }
}
