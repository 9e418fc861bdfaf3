package io.lb4j.jdbc;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.lb4j.jdbc.Cluster.PRIMARY_ID;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA2_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway migrations through lb-jdbc against the real cluster, given the {@code DataSource} as the README says
 * (HikariCP over the {@code jdbc:lb:} URL, or a {@link ReplicaRoutingDataSource}): the DDL and inserts run on
 * the primary, under Flyway's MariaDB named lock ({@code GET_LOCK}) taken and released there, and reach the
 * replicas by replication; a second run is a no-op; {@code info()} and {@code validate()} work. Each test
 * migrates its own schema (dropped afterwards), so tests never share tables.
 */
class FlywayMigrationTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String schema;
    @TempDir
    Path migrations;

    @BeforeEach
    void setUp() throws Exception {
        Cluster.require();
        Cluster.awaitHealthyReplication();
        schema = "lb4j_fw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Files.writeString(migrations.resolve("V1__create_items.sql"),
                "CREATE TABLE fw_items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, server_id INT NOT NULL, lock_holder BIGINT NULL);\n");
        // @@server_id and IS_USED_LOCK are evaluated where the insert runs; ROW replication copies the values
        Files.writeString(migrations.resolve("V2__seed_items.sql"),
                "INSERT INTO fw_items VALUES (1, 'one', @@server_id, IS_USED_LOCK('${lockName}'));\n"
                        + "INSERT INTO fw_items VALUES (2, 'two', @@server_id, IS_USED_LOCK('${lockName}'));\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        Cluster.execute(PRIMARY_PORT, "DROP DATABASE IF EXISTS " + schema);
        Cluster.awaitReplicasInSync();
    }

    /** The name of the MariaDB named lock Flyway takes around the migrations of {@code schema}'s history table. */
    private String lockName() {
        return "Flyway-" + ("`" + schema + "`.`flyway_schema_history`").hashCode();
    }

    private Flyway flyway(DataSource ds) {
        return Flyway.configure()
                .dataSource(ds)
                .schemas(schema)
                .locations("filesystem:" + migrations)
                .placeholders(Map.of("lockName", lockName()))
                .load();
    }

    private DataSource hikariOverLbUrl() {
        return SpringStack.hikariOverLbUrl("fw-" + schema, "", 4, closeables::add);
    }

    private static long count(int port, String sql) throws Exception {
        try (Connection c = Cluster.direct(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void migrateRunsTheMigrationsOnThePrimaryAndTheReplicasGetThem() throws Exception {
        MigrateResult result = flyway(hikariOverLbUrl()).migrate();

        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(2);
        assertThat(count(PRIMARY_PORT, "SELECT COUNT(*) FROM " + schema + ".fw_items WHERE server_id = " + PRIMARY_ID))
                .as("rows inserted on the primary").isEqualTo(2);
        Cluster.awaitReplicasInSync();
        for (int port : new int[]{REPLICA1_PORT, REPLICA2_PORT}) {
            assertThat(count(port, "SELECT COUNT(*) FROM " + schema + ".fw_items WHERE server_id = " + PRIMARY_ID))
                    .as("rows replicated to " + port).isEqualTo(2);
            assertThat(count(port, "SELECT COUNT(*) FROM " + schema + ".flyway_schema_history WHERE type = 'SQL' AND success = 1"))
                    .as("history replicated to " + port).isEqualTo(2);
        }
    }

    @Test
    void theNamedLockIsTakenAndReleasedOnThePrimary() throws Exception {
        flyway(hikariOverLbUrl()).migrate();

        assertThat(count(PRIMARY_PORT, "SELECT COUNT(*) FROM " + schema + ".fw_items WHERE lock_holder IS NOT NULL"))
                .as("Flyway's GET_LOCK held on the primary while the migration ran there").isEqualTo(2);
        try (Connection c = Cluster.direct(PRIMARY_PORT); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT IS_USED_LOCK('" + lockName() + "')")) {
            rs.next();
            assertThat(rs.getObject(1)).as("lock released after migrate").isNull();
        }
    }

    @Test
    void aSecondMigrateIsANoOp() throws Exception {
        DataSource ds = hikariOverLbUrl();
        flyway(ds).migrate();

        MigrateResult again = flyway(ds).migrate();

        assertThat(again.success).isTrue();
        assertThat(again.migrationsExecuted).isZero();
        assertThat(count(PRIMARY_PORT, "SELECT COUNT(*) FROM " + schema + ".fw_items")).isEqualTo(2);
        // the two migrations and Flyway's "<< Flyway Schema Creation >>" marker
        assertThat(count(PRIMARY_PORT, "SELECT COUNT(*) FROM " + schema + ".flyway_schema_history")).isEqualTo(3);
    }

    @Test
    void infoAndValidateSeeTheAppliedMigrations() throws Exception {
        DataSource ds = hikariOverLbUrl();
        Flyway flyway = flyway(ds);
        assertThat(flyway.info().pending()).hasSize(2);
        flyway.migrate();

        MigrationInfo[] applied = java.util.Arrays.stream(flyway(ds).info().applied())
                .filter(i -> i.getVersion() != null && !i.getVersion().getVersion().equals("0")).toArray(MigrationInfo[]::new);
        ValidateResult validation = flyway(ds).validateWithResult();

        assertThat(applied).extracting(i -> i.getVersion().getVersion()).containsExactly("1", "2");
        assertThat(applied).extracting(MigrationInfo::getState).containsOnly(MigrationState.SUCCESS);
        assertThat(flyway(ds).info().pending()).isEmpty();
        assertThat(validation.validationSuccessful).as(validation.getAllErrorMessages()).isTrue();
        flyway(ds).validate(); // throws FlywayValidateException when it fails
    }

    @Test
    void migratesOverTheMariadbDriverUrl() throws Exception {
        // the Surefire execution without MariaDB Connector/J runs the classes -Dtest names too
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("lb4j.mariadbDriverExcluded"), "MariaDB Connector/J excluded");
        DataSource ds = SpringStack.hikariOverLbUrl("mariadb", "fw-m-" + schema, "", 4, closeables::add);

        MigrateResult result = flyway(ds).migrate();

        assertThat(result.migrationsExecuted).isEqualTo(2);
        assertThat(result.schemaName).isEqualTo(schema);
        assertThat(count(PRIMARY_PORT, "SELECT COUNT(*) FROM " + schema + ".fw_items WHERE server_id = " + PRIMARY_ID
                + " AND lock_holder IS NOT NULL")).isEqualTo(2);
        assertThat(flyway(ds).migrate().migrationsExecuted).isZero();
        assertThat(flyway(ds).validateWithResult().validationSuccessful).isTrue();
    }

    @Test
    void migratesThroughAReplicaRoutingDataSourceOverHikariPools() throws Exception {
        ReplicaRoutingDataSource routing = SpringStack.routingOverHikariPools("fw-rrds-" + schema, closeables::add);

        MigrateResult result = flyway(routing).migrate();

        assertThat(result.migrationsExecuted).isEqualTo(2);
        assertThat(count(PRIMARY_PORT, "SELECT COUNT(*) FROM " + schema + ".fw_items WHERE server_id = " + PRIMARY_ID
                + " AND lock_holder IS NOT NULL")).isEqualTo(2);
        assertThat(flyway(routing).migrate().migrationsExecuted).isZero();
        Cluster.awaitReplicasInSync();
        assertThat(count(REPLICA1_PORT, "SELECT COUNT(*) FROM " + schema + ".fw_items")).isEqualTo(2);
    }

    @Test
    void migratesThroughHikariOverAReplicaRoutingDataSource() throws Exception {
        ReplicaRoutingDataSource routing = SpringStack.routingOverHikariPools("fw-h-rrds-" + schema, closeables::add);
        DataSource ds = SpringStack.hikariOverRouting("fw-h-" + schema, routing, 4, closeables::add);

        MigrateResult result = flyway(ds).migrate();

        assertThat(result.migrationsExecuted).isEqualTo(2);
        assertThat(count(PRIMARY_PORT, "SELECT COUNT(*) FROM " + schema + ".fw_items WHERE server_id = " + PRIMARY_ID
                + " AND lock_holder IS NOT NULL")).isEqualTo(2);
        assertThat(flyway(ds).validateWithResult().validationSuccessful).isTrue();
    }
}
