package io.lb4j.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.SimpleJdbcInsert;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.jdbc.Cluster.PRIMARY_ID;
import static io.lb4j.jdbc.Cluster.PRIMARY_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA1_PORT;
import static io.lb4j.jdbc.Cluster.REPLICA2_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spring's {@link DataSourceTransactionManager}, {@link TransactionTemplate} and {@link JdbcTemplate} (no Spring
 * Boot) on lb-jdbc against the real cluster, in the three shapes the README documents ({@link Shape}): read-write
 * transactions write on the primary, {@code readOnly} transactions read on the replicas ({@code @@server_id}
 * says which node answered: 1 primary, 2 and 3 replicas), work outside a transaction goes to the primary,
 * rollbacks and nested savepoints really roll back, isolation set for one transaction is restored afterwards.
 */
class SpringTransactionsTest {
    private static final Set<Long> REPLICA_IDS = Set.of(2L, 3L);

    /** How lb-jdbc sits under Spring. */
    enum Shape {
        /** HikariCP over the {@code jdbc:lb:} URL: what Spring Boot builds from {@code spring.datasource.url}. */
        HIKARI_OVER_LB_URL,
        /** A {@link ReplicaRoutingDataSource} over one HikariCP pool per node. */
        ROUTING_OVER_HIKARI_POOLS,
        /** HikariCP pooling the logical connections of a {@link ReplicaRoutingDataSource} over per-node pools. */
        HIKARI_OVER_ROUTING
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String table;
    private String name;

    @BeforeEach
    void setUp() throws Exception {
        String suffix = SpringStack.uniqueSuffix();
        table = "spring_tx_" + suffix;
        name = "spring-" + suffix;
        SpringStack.createItemsTable(table);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        Cluster.execute(PRIMARY_PORT, "DROP TABLE IF EXISTS " + table);
        Cluster.awaitReplicasInSync();
    }

    private DataSource dataSource(Shape shape, String extraUrlOptions, int maxPoolSize) {
        return switch (shape) {
            case HIKARI_OVER_LB_URL -> SpringStack.hikariOverLbUrl(name, extraUrlOptions, maxPoolSize, closeables::add);
            case ROUTING_OVER_HIKARI_POOLS -> SpringStack.routingOverHikariPools(name, closeables::add);
            case HIKARI_OVER_ROUTING -> SpringStack.hikariOverRouting(name + "-hikari",
                    SpringStack.routingOverHikariPools(name, closeables::add), maxPoolSize, closeables::add);
        };
    }

    private DataSource dataSource(Shape shape) {
        return dataSource(shape, "", 4);
    }

    private static TransactionTemplate readWrite(DataSource ds) {
        return new TransactionTemplate(new DataSourceTransactionManager(ds));
    }

    private static TransactionTemplate readOnly(DataSource ds) {
        TransactionTemplate tt = readWrite(ds);
        tt.setReadOnly(true);
        return tt;
    }

    private static long serverId(JdbcTemplate jdbc) {
        Long id = jdbc.queryForObject("SELECT @@server_id", Long.class);
        assertThat(id).isNotNull();
        return id;
    }

    private long rowsOnPrimary(String where) throws Exception {
        return Long.parseLong(Cluster.queryString(PRIMARY_PORT, "SELECT COUNT(*) FROM " + table + " WHERE " + where));
    }

    private void insert(JdbcTemplate jdbc, String v) {
        jdbc.update("INSERT INTO " + table + " (v, server_id) VALUES (?, @@server_id)", v);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void readWriteTransactionsWriteOnThePrimary(Shape shape) throws Exception {
        DataSource ds = dataSource(shape);
        JdbcTemplate jdbc = new JdbcTemplate(ds);

        Long id = readWrite(ds).execute(status -> {
            insert(jdbc, "rw");
            return serverId(jdbc);
        });

        assertThat(id).isEqualTo(PRIMARY_ID);
        assertThat(rowsOnPrimary("v = 'rw' AND server_id = " + PRIMARY_ID)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void readOnlyTransactionsReadFromTheReplicas(Shape shape) {
        DataSource ds = dataSource(shape);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        TransactionTemplate tt = readOnly(ds);
        Map<Long, Integer> byServer = new ConcurrentHashMap<>();

        for (int i = 0; i < 20; i++) {
            tt.executeWithoutResult(status -> {
                assertThat(DataSourceUtils.getConnection(ds)).satisfies(c -> assertThat(c.isReadOnly()).isTrue());
                long first = serverId(jdbc);
                jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
                assertThat(serverId(jdbc)).as("one node for the whole transaction").isEqualTo(first);
                byServer.merge(first, 1, Integer::sum);
            });
        }

        assertThat(byServer.keySet()).as("servers that answered read-only transactions").isEqualTo(REPLICA_IDS);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void jdbcTemplateOutsideATransactionUsesThePrimary(Shape shape) throws Exception {
        DataSource ds = dataSource(shape);
        JdbcTemplate jdbc = new JdbcTemplate(ds);

        insert(jdbc, "outside");

        assertThat(serverId(jdbc)).isEqualTo(PRIMARY_ID);
        assertThat(rowsOnPrimary("v = 'outside' AND server_id = " + PRIMARY_ID)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void batchUpdatesAndSimpleJdbcInsertWorkThroughTheMetadataOfTheLogicalConnection(Shape shape) throws Exception {
        DataSource ds = dataSource(shape);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        SimpleJdbcInsert insert = new SimpleJdbcInsert(ds).withTableName(table).usingColumns("v", "server_id")
                .usingGeneratedKeyColumns("id");

        int[] counts = readWrite(ds).execute(status -> jdbc.batchUpdate("INSERT INTO " + table + " (v, server_id) VALUES (?, @@server_id)",
                List.of(new Object[]{"batch-1"}, new Object[]{"batch-2"}, new Object[]{"batch-3"})));
        Number key = readWrite(ds).execute(status -> insert.executeAndReturnKey(Map.of("v", "simple-insert", "server_id", 1)));

        assertThat(counts).hasSize(3);
        assertThat(rowsOnPrimary("v LIKE 'batch-%' AND server_id = " + PRIMARY_ID)).isEqualTo(3);
        assertThat(key).isNotNull();
        assertThat(rowsOnPrimary("v = 'simple-insert' AND id = " + key.longValue())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void rollbackRollsBackOnThePrimary(Shape shape) throws Exception {
        DataSource ds = dataSource(shape);
        JdbcTemplate jdbc = new JdbcTemplate(ds);

        readWrite(ds).executeWithoutResult(status -> {
            insert(jdbc, "rolled-back");
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE v = 'rolled-back'", Long.class))
                    .as("visible inside the transaction").isEqualTo(1);
            status.setRollbackOnly();
        });
        assertThatThrownBy(() -> readWrite(ds).executeWithoutResult(status -> {
            insert(jdbc, "thrown");
            throw new IllegalStateException("application failure");
        })).hasMessage("application failure");

        assertThat(rowsOnPrimary("v IN ('rolled-back', 'thrown')")).isZero();
        insert(jdbc, "after");
        assertThat(rowsOnPrimary("v = 'after'")).as("the pooled connections work after the rollbacks").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void aNestedTransactionRollsBackToItsSavepoint(Shape shape) throws Exception {
        DataSource ds = dataSource(shape);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        TransactionTemplate nested = readWrite(ds);
        nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);

        readWrite(ds).executeWithoutResult(outer -> {
            insert(jdbc, "outer");
            nested.executeWithoutResult(inner -> {
                insert(jdbc, "inner");
                inner.setRollbackOnly();
            });
            nested.executeWithoutResult(inner -> insert(jdbc, "inner-kept"));
        });

        assertThat(rowsOnPrimary("v = 'outer'")).isEqualTo(1);
        assertThat(rowsOnPrimary("v = 'inner'")).as("rolled back to the savepoint").isZero();
        assertThat(rowsOnPrimary("v = 'inner-kept'")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Shape.class, names = {"HIKARI_OVER_LB_URL", "HIKARI_OVER_ROUTING"})
    void aPooledConnectionIsReadWriteOnThePrimaryAgainAfterAReadOnlyTransaction(Shape shape) {
        DataSource ds = dataSource(shape, "", 1); // one pooled connection: every call gets the same one
        JdbcTemplate jdbc = new JdbcTemplate(ds);

        Long inside = readOnly(ds).execute(status -> serverId(jdbc));

        assertThat(inside).isIn(REPLICA_IDS);
        assertThat(serverId(jdbc)).as("outside a transaction afterwards").isEqualTo(PRIMARY_ID);
        insert(jdbc, "after-read-only");
        Long inReadWrite = readWrite(ds).execute(status -> serverId(jdbc));
        assertThat(inReadWrite).isEqualTo(PRIMARY_ID);
    }

    @ParameterizedTest
    @EnumSource(value = Shape.class, names = {"HIKARI_OVER_LB_URL", "HIKARI_OVER_ROUTING"})
    void isolationOfOneTransactionIsRestoredAfterIt(Shape shape) {
        DataSource ds = dataSource(shape, "", 1);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        TransactionTemplate readCommitted = readOnly(ds);
        readCommitted.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        String isolation = "SELECT @@session.tx_isolation";

        String inside = readCommitted.execute(status -> jdbc.queryForObject(isolation, String.class) + "@" + serverId(jdbc));

        assertThat(inside).startsWith("READ-COMMITTED@");
        assertThat(Long.parseLong(inside.substring(inside.indexOf('@') + 1))).isIn(REPLICA_IDS);
        String nextReadWrite = readWrite(ds).execute(status -> jdbc.queryForObject(isolation, String.class) + "@" + serverId(jdbc));
        String nextReadOnly = readOnly(ds).execute(status -> jdbc.queryForObject(isolation, String.class));
        assertThat(nextReadWrite).isEqualTo("REPEATABLE-READ@" + PRIMARY_ID);
        assertThat(nextReadOnly).isEqualTo("REPEATABLE-READ");
    }

    @Test
    void readYourWritesWithThreadScopeSendsTheNextReadOnlyTransactionOfTheWriterToThePrimary() throws Exception {
        // README's Spring Boot example: lb.readYourWritesScope=thread, since every transaction may get another pooled connection
        DataSource ds = dataSource(Shape.HIKARI_OVER_LB_URL, "&lb.readYourWrites=2s&lb.readYourWritesScope=thread", 4);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        Long beforeAnyWrite = readOnly(ds).execute(status -> serverId(jdbc));
        assertThat(beforeAnyWrite).as("before any write").isIn(REPLICA_IDS);

        readWrite(ds).executeWithoutResult(status -> insert(jdbc, "ryw"));
        String seen = readOnly(ds).execute(status -> serverId(jdbc) + ":"
                + jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE v = 'ryw'", Long.class));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Long otherThread = other.submit(() -> readOnly(ds).execute(status -> serverId(jdbc))).get(10, TimeUnit.SECONDS);
            assertThat(otherThread).as("a thread that wrote nothing still reads from a replica").isIn(REPLICA_IDS);
        } finally {
            other.shutdownNow();
        }

        assertThat(seen).as("the writer's next read-only transaction: node and rows seen").isEqualTo(PRIMARY_ID + ":1");
    }

    @Test
    void readYourWritesByGtidWithThreadScopeShowsTheWriterItsWriteWhileTheReplicasLag() throws Exception {
        // README's Spring Boot example (lb.readYourWrites=session, scope thread), with both replicas 3 s behind
        DataSource ds = dataSource(Shape.HIKARI_OVER_LB_URL,
                "&lb.readYourWrites=session&lb.readYourWritesScope=thread&lb.readYourWritesTimeout=300ms", 4);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        String count = "SELECT COUNT(*) FROM " + table + " WHERE v = 'ryw-gtid'";
        Cluster.delayReplication(REPLICA1_PORT, 3);
        Cluster.delayReplication(REPLICA2_PORT, 3);
        try {
            readWrite(ds).executeWithoutResult(status -> insert(jdbc, "ryw-gtid"));
            String writer = readOnly(ds).execute(status -> jdbc.queryForObject(count, Long.class) + "@" + serverId(jdbc));
            ExecutorService other = Executors.newSingleThreadExecutor();
            String otherThread;
            try {
                otherThread = other.submit(() -> readOnly(ds).execute(status -> jdbc.queryForObject(count, Long.class) + "@"
                        + serverId(jdbc))).get(10, TimeUnit.SECONDS);
            } finally {
                other.shutdownNow();
            }

            assertThat(writer).as("the writer's read-only transaction: rows seen @ node").isEqualTo("1@" + PRIMARY_ID);
            assertThat(otherThread).as("another thread reads a lagging replica").matches("0@[23]");
        } finally {
            Cluster.restoreReplication(REPLICA1_PORT);
            Cluster.restoreReplication(REPLICA2_PORT);
            Cluster.awaitHealthyReplication(3);
        }
    }

    @Test
    void aPoolWithAutoCommitOffStillSendsReadOnlyTransactionsToTheReplicasAndTheRestToThePrimary() throws Exception {
        // spring.datasource.hikari.auto-commit=false: Spring finds autoCommit already off and never switches it
        DataSource ds = SpringStack.hikariOverLbUrl("mysql", name, "", 2, closeables::add, c -> c.setAutoCommit(false));
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        Map<Long, Integer> byServer = new ConcurrentHashMap<>();

        for (int i = 0; i < 10; i++) {
            Long written = readWrite(ds).execute(status -> {
                insert(jdbc, "auto-commit-off");
                return serverId(jdbc);
            });
            assertThat(written).isEqualTo(PRIMARY_ID);
            Long read = readOnly(ds).execute(status -> serverId(jdbc));
            byServer.merge(read, 1, Integer::sum);
        }

        assertThat(byServer.keySet()).isEqualTo(REPLICA_IDS);
        assertThat(rowsOnPrimary("v = 'auto-commit-off' AND server_id = " + PRIMARY_ID)).as("all committed").isEqualTo(10);
    }

    @Test
    void enforcedReadOnlyTransactionsReadFromTheReplicasAndRefuseWrites() throws Exception {
        // MySQL Connector/J refuses Spring's executeUpdate("SET TRANSACTION READ ONLY") on a read-only connection by
        // itself, with or without lb-jdbc ("Connection is read-only"): enforceReadOnly needs MariaDB Connector/J
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("lb4j.mariadbDriverExcluded"), "MariaDB Connector/J excluded");
        DataSource ds = SpringStack.hikariOverLbUrl("mariadb", name, "", 4, closeables::add);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        DataSourceTransactionManager tm = new DataSourceTransactionManager(ds);
        tm.setEnforceReadOnly(true); // SET TRANSACTION READ ONLY at the start of each read-only transaction
        TransactionTemplate tt = new TransactionTemplate(tm);
        tt.setReadOnly(true);

        Long id = tt.execute(status -> serverId(jdbc));
        assertThatThrownBy(() -> tt.executeWithoutResult(status -> insert(jdbc, "refused")))
                .isInstanceOf(org.springframework.dao.DataAccessException.class);

        assertThat(id).isIn(REPLICA_IDS);
        assertThat(rowsOnPrimary("v = 'refused'")).isZero();
        Long afterwards = readWrite(ds).execute(status -> serverId(jdbc));
        assertThat(afterwards).isEqualTo(PRIMARY_ID);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void fourThreadsMixingReadWriteAndReadOnlyTransactions(Shape shape) throws Exception {
        DataSource ds = dataSource(shape);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        TransactionTemplate rw = readWrite(ds);
        TransactionTemplate ro = readOnly(ds);
        Map<Long, AtomicInteger> readsByServer = new ConcurrentHashMap<>();
        int threads = 4;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        String v = "mix-" + thread + "-" + i;
                        long writer = rw.execute(status -> {
                            insert(jdbc, v);
                            return serverId(jdbc);
                        });
                        assertThat(writer).isEqualTo(PRIMARY_ID);
                        long reader = ro.execute(status -> {
                            jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
                            return serverId(jdbc);
                        });
                        readsByServer.computeIfAbsent(reader, k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS); // rethrows an assertion or SQL failure of any thread
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(rowsOnPrimary("v LIKE 'mix-%' AND server_id = " + PRIMARY_ID)).isEqualTo((long) threads * rounds);
        assertThat(readsByServer.keySet()).as("read-only transactions answered by").isEqualTo(REPLICA_IDS);
        assertThat(readsByServer.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(threads * rounds);
        Cluster.awaitReplicasInSync();
        for (int port : new int[]{REPLICA1_PORT, REPLICA2_PORT}) {
            assertThat(Cluster.queryString(port, "SELECT COUNT(*) FROM " + table)).isEqualTo(String.valueOf(threads * rounds));
        }
    }
}
