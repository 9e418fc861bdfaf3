package io.lb4j.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.Server;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static io.lb4j.jdbc.Cluster.HOST;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA2_PORT;

/**
 * The shapes the README documents for putting HikariCP, Spring and Flyway on top of lb-jdbc, built against the
 * test cluster: HikariCP over a {@code jdbc:lb:} URL (what Spring Boot builds from {@code spring.datasource.url}),
 * a {@link ReplicaRoutingDataSource} over one HikariCP pool per node, and HikariCP over such a routing.
 * Every object is handed to {@code closer}; tests close them in reverse order.
 */
final class SpringStack {
    /** Probes every 200 ms so that kills are noticed within a second. */
    static final String FAST = "&lb.checkInterval=200ms&lb.checkTimeout=500ms";

    private SpringStack() {
    }

    /**
     * The {@code jdbc:lb:<sub>:} URL ({@code mysql}: Connector/J, {@code mariadb}: MariaDB Connector/J) over the three
     * nodes, named {@code name}, with {@code extra} options ({@code &k=v...}).
     */
    static String lbUrl(String sub, String name, String extra) {
        String driverOptions = sub.equals("mysql") ? Cluster.OPTIONS : "connectTimeout=2000&socketTimeout=15000";
        return "jdbc:lb:" + sub + "://" + HOST + ":" + PRIMARY_PORT + "," + HOST + ":" + REPLICA1_PORT + "," + HOST + ":" + REPLICA2_PORT
                + "/" + Cluster.DATABASE + "?" + driverOptions + "&lb.name=" + name + FAST + extra;
    }

    /** HikariCP over {@code jdbc:lb:mysql:} ({@link #hikariOverLbUrl(String, String, String, int, Consumer)}). */
    static HikariDataSource hikariOverLbUrl(String name, String extra, int maxPoolSize, Consumer<AutoCloseable> closer) {
        return hikariOverLbUrl("mysql", name, extra, maxPoolSize, closer);
    }

    /** HikariCP with {@code jdbcUrl} = {@link #lbUrl} and {@code driverClassName} = {@link LbDriver}, as Spring Boot builds it. */
    static HikariDataSource hikariOverLbUrl(String sub, String name, String extra, int maxPoolSize, Consumer<AutoCloseable> closer) {
        return hikariOverLbUrl(sub, name, extra, maxPoolSize, closer, c -> { });
    }

    /** As {@link #hikariOverLbUrl(String, String, String, int, Consumer)}, {@code customizer} changing the pool's settings. */
    static HikariDataSource hikariOverLbUrl(String sub, String name, String extra, int maxPoolSize, Consumer<AutoCloseable> closer,
                                            Consumer<HikariConfig> customizer) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setDriverClassName(LbDriver.class.getName());
        c.setJdbcUrl(lbUrl(sub, name, extra));
        c.setUsername(Cluster.USER);
        c.setPassword(Cluster.PASSWORD);
        c.setMaximumPoolSize(maxPoolSize);
        c.setConnectionTimeout(2000);
        c.setValidationTimeout(500);
        customizer.accept(c);
        // LbDriver caches the routing behind the URL for the JVM's life: close it with the test, after the pool
        closer.accept(() -> ReplicaRoutingDataSource.byName(name).ifPresent(ReplicaRoutingDataSource::close));
        HikariDataSource ds = new HikariDataSource(c);
        closer.accept(ds);
        return ds;
    }

    /** A {@link ReplicaRoutingDataSource} named {@code name} over one HikariCP pool per node (README's second shape). */
    static ReplicaRoutingDataSource routingOverHikariPools(String name, Consumer<AutoCloseable> closer) {
        HikariDataSource p = Cluster.pool(name + "-primary", PRIMARY_PORT);
        HikariDataSource r1 = Cluster.pool(name + "-replica1", REPLICA1_PORT);
        HikariDataSource r2 = Cluster.pool(name + "-replica2", REPLICA2_PORT);
        ReplicaRoutingDataSource routing = ReplicaRoutingDataSource.builder().name(name)
                .primary(Server.builder(HOST, PRIMARY_PORT).id("primary").build(), p)
                .replica(Server.builder(HOST, REPLICA1_PORT).id("replica1").build(), r1)
                .replica(Server.builder(HOST, REPLICA2_PORT).id("replica2").build(), r2)
                .strategy(new RoundRobin())
                .checkInterval(Duration.ofMillis(200)).checkTimeout(Duration.ofMillis(500))
                .build();
        for (AutoCloseable pool : List.of(p, r1, r2)) {
            closer.accept(pool);
        }
        closer.accept(routing); // closed before the pools it routes over: tests close in reverse order
        return routing;
    }

    /** HikariCP pooling the logical connections of {@code routing} (a pool in front of the routing). */
    static HikariDataSource hikariOverRouting(String name, DataSource routing, int maxPoolSize, Consumer<AutoCloseable> closer) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setDataSource(routing);
        c.setMaximumPoolSize(maxPoolSize);
        c.setConnectionTimeout(2000);
        c.setValidationTimeout(500);
        HikariDataSource ds = new HikariDataSource(c);
        closer.accept(ds);
        return ds;
    }

    /** Requires a healthy cluster and returns a suffix for names no other test uses. */
    static String uniqueSuffix() throws Exception {
        Cluster.require();
        Cluster.awaitHealthyReplication();
        return java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Creates {@code table (id, v, server_id)} on the primary and waits until both replicas have it. */
    static void createItemsTable(String table) throws Exception {
        Cluster.execute(Cluster.PRIMARY_PORT, "CREATE TABLE " + table
                + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL, server_id INT NOT NULL) ENGINE=InnoDB");
        Cluster.awaitReplicasInSync();
    }
}
