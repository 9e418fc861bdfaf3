package io.lb4j.jdbc;

import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code lb.failover} and {@code lb.readsWhenPrimaryDown}: parsed, validated, named in errors. Needs no database. */
class FailoverOptionsTest {
    private static final String URL = "jdbc:lb:mysql://p.invalid:3306,r1.invalid:3307/db?user=app&password=TopSecret99";

    @BeforeAll
    static void probesByHand() {
        JdbcInternals.driverManualHealthChecks(true);
    }

    @AfterAll
    static void probesOnScheduleAgain() {
        JdbcInternals.driverManualHealthChecks(false);
    }

    @AfterEach
    void tearDown() {
        LbDriver.closeAll();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "lb.failover=yes|lb.failover=yes is invalid: allowed true or false",
            "lb.failover=|lb.failover= is invalid: allowed true or false",
            "lb.readsWhenPrimaryDown=stale|lb.readsWhenPrimaryDown=stale is invalid: readsWhenPrimaryDown must be serve-stale or fail, was 'stale'",
            "lb.readsWhenPrimaryDown=|lb.readsWhenPrimaryDown= is invalid: readsWhenPrimaryDown must be serve-stale or fail",
    })
    void badValuesFailNamingOptionValueAndAllowed(String query, String message) {
        assertThatThrownBy(() -> LbDriver.dataSource(URL + "&" + query, new Properties()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TopSecret99"));
    }

    @Test
    void goodValuesAreAccepted() throws SQLException {
        assertThat(LbDriver.dataSource(URL + "&lb.failover=false&lb.readsWhenPrimaryDown=fail&lb.name=opts-a", new Properties()).name())
                .isEqualTo("opts-a");
        assertThat(LbDriver.dataSource(URL + "&lb.failover=TRUE&lb.readsWhenPrimaryDown=Serve-Stale&lb.name=opts-b", new Properties())
                .primaryName()).isEqualTo("p.invalid:3306");
    }

    @Test
    void policyParsesBothValuesAndRefusesOthers() {
        assertThat(ReadsWhenPrimaryDown.parse("serve-stale")).isEqualTo(ReadsWhenPrimaryDown.SERVE_STALE);
        assertThat(ReadsWhenPrimaryDown.parse(" fail ")).isEqualTo(ReadsWhenPrimaryDown.FAIL);
        assertThat(ReadsWhenPrimaryDown.SERVE_STALE.optionValue()).isEqualTo("serve-stale");
        assertThatThrownBy(() -> ReadsWhenPrimaryDown.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readsWhenPrimaryDown must be serve-stale or fail, was null");
        assertThatThrownBy(() -> ReplicaRoutingDataSource.builder().readsWhenPrimaryDown(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readsWhenPrimaryDown");
    }

    @Test
    void routingIsFoundByNameWithoutCredentialsAndForgottenWhenClosed() throws SQLException {
        ReplicaRoutingDataSource ds = LbDriver.dataSource(URL + "&lb.name=opts-byname", new Properties());
        assertThat(ReplicaRoutingDataSource.byName("opts-byname")).containsSame(ds);
        assertThat(ReplicaRoutingDataSource.byName("no-such-routing")).isEmpty();
        assertThat(ReplicaRoutingDataSource.byName(null)).isEmpty();
        ds.close();
        assertThat(ReplicaRoutingDataSource.byName("opts-byname")).isEmpty();
    }
}
