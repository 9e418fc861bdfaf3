/**
 * Read/write splitting with lb4j balancing for JDBC: {@link io.lb4j.jdbc.ReplicaRoutingDataSource} (a
 * {@code DataSource} over a primary and replica data sources, Connector/J replication semantics so that
 * Spring's {@code @Transactional(readOnly = true)} reads from replicas), {@link io.lb4j.jdbc.JdbcHealthCheck}
 * ({@code SELECT 1} plus replication threads and lag), {@link io.lb4j.jdbc.ReadYourWrites} (GTID wait or
 * time window) and {@link io.lb4j.jdbc.LbDriver} for {@code jdbc:lb:mysql://primary,replica1,replica2/db}
 * URLs. The MySQL or MariaDB driver is loaded through {@code DriverManager} by URL; lb-jdbc does not
 * depend on either at compile time.
 */
package io.lb4j.jdbc;
