package io.lb4j.jdbc;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link #READERS} threads running read-only {@link TransactionTemplate}s of two queries ({@code SELECT @@server_id},
 * then a count of {@code table}) in a loop until closed: successes per server id, failures with their time, thread
 * and exception chain. For {@link SpringUnderKillTest}.
 */
final class SpringReaders implements AutoCloseable {
    static final int READERS = 4;
    final AtomicBoolean stop = new AtomicBoolean();
    final Map<Long, AtomicLong> byServer = new ConcurrentHashMap<>();
    final List<Long> failureTimes = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    final List<Thread> threads = new ArrayList<>();
    /** Each failure: thread, exception chain in one line (printed by the tests). */
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * Asserts that every failure the application saw is a connection failure with SQLSTATE 08 (what HikariCP's
     * {@code ProxyConnection.checkException} evicts on), whatever Spring wrapped it in.
     */
    void assertEveryFailureIsSqlState08() {
        synchronized (errors) {
            assertThat(errors).allSatisfy(e -> {
                SQLException sql = sqlCause(e);
                assertThat((Throwable) sql).as(stackTrace(e)).isNotNull();
                assertThat(sql.getSQLState()).as(stackTrace(e)).startsWith("08");
            });
        }
    }

    final long started = System.nanoTime();

    SpringReaders(String label, DataSource ds, String table) {
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        TransactionTemplate tt = new TransactionTemplate(new DataSourceTransactionManager(ds));
        tt.setReadOnly(true);
        for (int i = 0; i < READERS; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Long id = tt.execute(status -> {
                            Long server = jdbc.queryForObject("SELECT @@server_id", Long.class);
                            jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
                            return server;
                        });
                        byServer.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
                    } catch (RuntimeException e) {
                        failureTimes.add(System.nanoTime());
                        firstFailure.compareAndSet(null, e);
                        errors.add(e);
                        failures.add(Thread.currentThread().getName() + " " + (System.nanoTime() - started) / 1_000_000 + " ms: "
                                + describe(e));
                    }
                }
            }, label + "-reader-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    long reads(long serverId) {
        AtomicLong n = byServer.get(serverId);
        return n == null ? 0 : n.get();
    }

    Map<Long, Long> snapshot() {
        Map<Long, Long> m = new HashMap<>();
        byServer.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    long failuresAfter(long nanos) {
        synchronized (failureTimes) {
            return failureTimes.stream().filter(t -> t > nanos).count();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    /**
     * The first SQLException in {@code e}'s cause chain (Spring wraps them in DataAccessExceptions). When the
     * rollback after it failed, TransactionTemplate throws the rollback's exception and keeps the original one: HikariCP
     * closes a connection that threw SQLSTATE 08 (its {@code ProxyConnection.checkException}), with any driver.
     */
    static SQLException sqlCause(Throwable e) {
        if (e instanceof org.springframework.transaction.TransactionSystemException tse && tse.getOriginalException() != null) {
            e = tse.getOriginalException();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
        }
        return null;
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        if (e instanceof org.springframework.transaction.TransactionSystemException tse && tse.getOriginalException() != null) {
            sb.append(Errors.describe(e)).append(" after ");
            e = tse.getOriginalException();
        }
        for (Throwable t = e; t != null && sb.length() < 600; t = t.getCause()) {
            sb.append(sb.length() == 0 ? "" : " <- ").append(Errors.describe(t));
        }
        return sb.toString();
    }

    static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
