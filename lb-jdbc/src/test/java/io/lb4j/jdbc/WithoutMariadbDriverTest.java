package io.lb4j.jdbc;

import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs in its own Surefire execution whose class path lacks MariaDB Connector/J (see lb-jdbc's pom), so
 * the message a user sees when the driver is missing is tested for real.
 */
class WithoutMariadbDriverTest {

    @BeforeAll
    static void onlyInTheExecutionWithoutTheDriver() {
        // A plain `mvn verify` never runs this class elsewhere; `-Dtest=...` overrides the pom's excludes.
        assumeTrue(Boolean.getBoolean("lb4j.mariadbDriverExcluded"),
                "runs only in lb-jdbc's without-mariadb-driver Surefire execution");
        JdbcInternals.driverManualHealthChecks(true);
    }

    @AfterAll
    static void probesOnScheduleAgain() {
        JdbcInternals.driverManualHealthChecks(false);
    }

    @Test
    void theMariadbDriverIsReallyAbsentHere() {
        assertThatThrownBy(() -> Class.forName("org.mariadb.jdbc.Driver")).isInstanceOf(ClassNotFoundException.class);
        assertThat(LbDriver.class).isNotNull();
    }

    @Test
    void mariadbUrlWithoutMariadbDriverSaysWhichArtifactIsMissing() throws SQLException {
        try (java.sql.Connection c = DriverManager.getConnection("jdbc:lb:mariadb://127.0.0.1:1/db")) {
            assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class)
                    .hasMessageContaining("primary '127.0.0.1:1'")
                    .hasMessageContaining("no JDBC driver for jdbc:mariadb://127.0.0.1:1/db")
                    .hasMessageContaining("org.mariadb.jdbc:mariadb-java-client");
        }
    }
}
