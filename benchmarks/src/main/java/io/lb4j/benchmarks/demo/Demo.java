package io.lb4j.benchmarks.demo;

import io.lb4j.api.EndpointStats;
import io.lb4j.api.Server;
import io.lb4j.benchmarks.Flags;
import io.lb4j.benchmarks.StrategyCatalog;
import io.lb4j.discovery.FileServerSource;
import io.lb4j.discovery.PoolBinder;
import io.lb4j.benchmarks.report.PanelChart;
import io.lb4j.metrics.MicrometerPoolMetrics;
import io.lb4j.okhttp.LoadBalancingInterceptor;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolBuilder;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The README's main-job demo: real HTTP backends on loopback, real OkHttp traffic through an lb4j
 * {@link LoadBalancingPool}, one strategy after another, and a table and chart at the end.
 *
 * <p>Backend b0 is 10× slower than the others; b1 answers 503 from 35% to 65% of each strategy's run
 * and then recovers. Passive health is nginx's with {@code max_fails=1 fail_timeout=2s} (a short
 * timeout to suit runs of seconds). Each pool publishes its Micrometer meters ({@link MicrometerPoolMetrics})
 * to a {@link SimpleMeterRegistry}; the failed tries (errors before the interceptor's retries) come from them,
 * and a few are printed at the end.
 */
public final class Demo {
    /** The logical host name the interceptor resolves to the pool. */
    static final String LOGICAL_HOST = "demo";

    /** Passive health used by the demo's pools. */
    static final PoolConfig POOL_CONFIG = PoolConfig.custom()
            .passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(2))).build();
    /** With {@code --servers-file}: the same, plus a slow start so that a backend put back visibly ramps up. */
    static final PoolConfig FILE_POOL_CONFIG = PoolConfig.custom()
            .passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(2))).slowStart(Duration.ofSeconds(5)).build();

    private Demo() {
    }

    /**
     * What one strategy's run measured.
     *
     * @param errors      requests that failed for the caller, after the interceptor's retries
     * @param failedTries tries that failed (503 or I/O error), before retries: {@code lb4j.requests{outcome=failure}}
     * @param meters      a one-line summary of the pool's Micrometer meters at the end of the run
     */
    public record Outcome(String strategy, Histogram latencyMicros, long requests, long errors, double seconds,
                          Map<String, Long> picks, long failedTries, String meters) {
        /** Tries sent to servers (a retried request counts once per try). */
        long tries() {
            long total = 0;
            for (long p : picks.values()) {
                total += p;
            }
            return total;
        }

        double share(String backend) {
            long total = 0;
            for (long p : picks.values()) {
                total += p;
            }
            return total == 0 ? 0 : (double) picks.getOrDefault(backend, 0L) / total;
        }

        double p(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.lb4j.pool", "error"); // the demo prints health events itself
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
        if (java.util.Arrays.asList(args).contains(HedgingDemo.FLAG)) { // the slow-request mode has its own flags
            HedgingDemo.main(args);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (Flags.UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println();
            System.err.println(DemoOptions.usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(DemoOptions.usage());
            return;
        }
        run(options, System.out);
    }

    /** Runs the demo and returns each strategy's outcome. */
    public static List<Outcome> run(DemoOptions o, PrintStream out) throws IOException, InterruptedException {
        List<Backend> backends = new ArrayList<>();
        try {
            for (int i = 0; i < o.servers(); i++) {
                String role = i == 0 ? "10x slow" : i == 1 ? "fails, recovers" : "normal";
                double mean = i == 0 ? 10 * o.meanMillis() : o.meanMillis();
                backends.add(Backend.start("b" + i, role, o.workers(), mean));
            }
            out.printf(Locale.ROOT, "lb4j demo: %d backends on loopback, %d client threads, %.0f s per strategy, "
                    + "strategies %s%n", o.servers(), o.concurrency(), o.seconds(), o.strategies());
            for (Backend b : backends) {
                out.printf(Locale.ROOT, "  %-3s %-16s %s (%d workers, mean %.0f ms)%n", b.name(), b.role(), b.url(),
                        o.workers(), b.name().equals("b0") ? 10 * o.meanMillis() : o.meanMillis());
            }
            out.println("  passive health: " + POOL_CONFIG.passiveHealth());
            if (o.serversFile() != null) {
                writeServersFile(o, backends, out);
            }
            OkHttpClient client = new OkHttpClient.Builder()
                    .connectionPool(new ConnectionPool(2 * o.concurrency() + o.servers(), 1, TimeUnit.MINUTES))
                    .connectTimeout(Duration.ofSeconds(1))
                    .readTimeout(Duration.ofSeconds(10))
                    .retryOnConnectionFailure(false)
                    .build();
            List<Outcome> outcomes = new ArrayList<>();
            try {
                warmUp(client, backends, o, out);
                for (String strategy : o.strategies()) {
                    outcomes.add(runOne(strategy, backends, client, o, out));
                }
            } finally {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
            printTable(outcomes, backends, out);
            printMeters(outcomes, out);
            writeChart(outcomes, o, out);
            return outcomes;
        } finally {
            // HttpServer.stop can take up to a second each (its dispatcher polls): stop them all at once
            backends.parallelStream().forEach(Backend::close);
        }
    }

    /**
     * Sends unmeasured traffic straight to the normal backends for a moment, so that the first strategy
     * does not pay for JIT compilation and connection set-up.
     */
    private static void warmUp(OkHttpClient client, List<Backend> backends, DemoOptions o, PrintStream out)
            throws InterruptedException {
        double seconds = Math.min(1.5, o.seconds() / 2);
        out.printf(Locale.ROOT, "  warming up for %.1f s (not measured)%n", seconds);
        List<Backend> normal = backends.subList(2, backends.size());
        long until = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < o.concurrency(); t++) {
            int first = t;
            Thread th = new Thread(() -> {
                for (int i = first; System.nanoTime() - until < 0; i++) {
                    Request req = new Request.Builder().url(normal.get(i % normal.size()).url()).build();
                    try (Response resp = client.newCall(req).execute()) {
                        resp.body().string();
                    } catch (IOException | RuntimeException e) {
                        // warm-up only
                    }
                }
            }, "demo-warmup-" + t);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(15_000);
        }
    }

    private static Outcome runOne(String strategy, List<Backend> backends, OkHttpClient client, DemoOptions o,
                                  PrintStream out) throws InterruptedException {
        boolean fromFile = o.serversFile() != null;
        MeterRegistry registry = new SimpleMeterRegistry();
        PoolBuilder pb = LoadBalancingPool.builder("demo-" + strategy)
                .strategy(StrategyCatalog.create(strategy)).config(fromFile ? FILE_POOL_CONFIG : POOL_CONFIG)
                .observer(MicrometerPoolMetrics.of(registry));
        if (!fromFile) {
            for (Backend b : backends) {
                pb.server(Server.builder(b.host(), b.port()).id(b.name()).build());
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (Backend b : backends) {
            names.put(Server.of(b.host(), b.port()).id(), b.name());
        }
        ConcurrentHistogram histogram = new ConcurrentHistogram(3);
        LongAdder requests = new LongAdder();
        LongAdder errors = new LongAdder();
        long durationNanos = (long) (o.seconds() * 1e9);
        AtomicLong stopAt = new AtomicLong();
        Backend flaky = backends.get(1);
        try (LoadBalancingPool pool = pb.build();
             FileServerSource file = fromFile ? FileServerSource.serverList(o.serversFile()).build() : null;
             PoolBinder binder = fromFile ? PoolBinder.builder(pool, file)
                     .listener(e -> out.printf(Locale.ROOT, "    [%s] %s: %s%n", strategy, o.serversFile(), e)).bind() : null) {
            pool.addListener(e -> out.printf(Locale.ROOT, "    [%s] %s%n", strategy, e));
            if (fromFile) {
                awaitMembers(pool);
            }
            // The lb4j interceptor turns http://demo/ into a picked backend, completes each try's lease
            // (503 and I/O errors are failures) and retries idempotent requests on another server.
            OkHttpClient lbClient = client.newBuilder()
                    .addInterceptor(LoadBalancingInterceptor.builder().pool(LOGICAL_HOST, pool).build())
                    .build();
            Request req = new Request.Builder().url("http://" + LOGICAL_HOST + "/").build();
            long start = System.nanoTime();
            stopAt.set(start + durationNanos);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < o.concurrency(); t++) {
                Thread th = new Thread(() -> {
                    while (System.nanoTime() - stopAt.get() < 0) {
                        long t0 = System.nanoTime();
                        requests.increment();
                        try (Response resp = lbClient.newCall(req).execute()) {
                            resp.body().string();
                            long micros = (System.nanoTime() - t0) / 1000;
                            if (resp.code() >= 500) {
                                errors.increment();
                            } else {
                                histogram.recordValue(Math.max(1, micros));
                            }
                        } catch (IOException | RuntimeException e) {
                            errors.increment();
                        }
                    }
                }, "demo-client-" + t);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
            long failFrom = start + (long) (0.35 * durationNanos);
            long failUntil = start + (long) (0.65 * durationNanos);
            long nextReport = start + 1_000_000_000L;
            while (System.nanoTime() - stopAt.get() < 0) {
                long now = System.nanoTime();
                boolean shouldFail = now - failFrom >= 0 && now - failUntil < 0;
                if (shouldFail != flaky.isFailing()) {
                    flaky.failing(shouldFail);
                    out.printf(Locale.ROOT, "    [%s] %.1fs: backend %s %s%n", strategy, (now - start) / 1e9,
                            flaky.name(), shouldFail ? "starts answering 503" : "recovers");
                }
                if (now - nextReport >= 0) {
                    nextReport += 2_000_000_000L;
                    Map<String, Long> sofar = picks(pool, names);
                    long total = 0;
                    for (long p : sofar.values()) {
                        total += p;
                    }
                    StringBuilder shares = new StringBuilder();
                    for (Map.Entry<String, Long> e : sofar.entrySet()) {
                        shares.append(String.format(Locale.ROOT, " %s %.0f%%", e.getKey(),
                                total == 0 ? 0.0 : 100.0 * e.getValue() / total));
                    }
                    out.printf(Locale.ROOT, "  %-12s %4.0fs/%.0fs  %,7d requests  %,5d errors  p99 so far %s ms  share:%s%n",
                            strategy, (now - start) / 1e9, o.seconds(), requests.sum(), errors.sum(),
                            fmt(histogram.getTotalCount() == 0 ? Double.NaN
                                    : histogram.getValueAtPercentile(99) / 1000.0), shares);
                }
                Thread.sleep(50);
            }
            for (Thread th : threads) {
                th.join(15_000);
            }
            flaky.failing(false);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Long> counts = picks(pool, names);
            long failedTries = count(registry, "lb4j.requests", "failure");
            Outcome outcome = new Outcome(strategy, histogram, requests.sum(), errors.sum(), seconds, counts,
                    failedTries, meters(registry));
            out.printf(Locale.ROOT, "  %-12s done: %,d requests (%.0f/s), p50 %s ms, p99 %s ms, %,d failed tries, "
                            + "%d errors after retries%n", strategy, outcome.requests(), outcome.requests() / seconds,
                    fmt(outcome.p(50)), fmt(outcome.p(99)), failedTries, outcome.errors());
            return outcome;
        }
    }

    /** Completed tries with this outcome, over every server of the pool, from its {@code lb4j.requests} timers. */
    private static long count(MeterRegistry registry, String name, String outcome) {
        long n = 0;
        for (Timer t : registry.find(name).tag("outcome", outcome).timers()) {
            n += t.count();
        }
        return n;
    }

    /** A one-line summary of a pool's meters: requests by outcome with their mean, ejections, restorations. */
    private static String meters(MeterRegistry registry) {
        StringBuilder sb = new StringBuilder("lb4j.requests");
        for (String outcome : List.of("success", "failure", "drop")) {
            long n = 0;
            double totalMs = 0;
            for (Timer t : registry.find("lb4j.requests").tag("outcome", outcome).timers()) {
                n += t.count();
                totalMs += t.totalTime(TimeUnit.MILLISECONDS);
            }
            sb.append(String.format(Locale.ROOT, " %s=%,d", outcome, n));
            if (n > 0) {
                sb.append(String.format(Locale.ROOT, " (mean %s ms)", fmt(totalMs / n)));
            }
        }
        for (String name : List.of("lb4j.ejections", "lb4j.restorations")) {
            sb.append("; ").append(name);
            for (Counter c : registry.find(name).counters()) {
                if (c.count() > 0) {
                    sb.append(String.format(Locale.ROOT, " %s=%.0f", c.getId().getTag("server"), c.count()));
                }
            }
        }
        double unavailable = 0;
        for (Counter c : registry.find("lb4j.picks.unavailable").counters()) {
            unavailable += c.count();
        }
        return sb.append(String.format(Locale.ROOT, "; lb4j.picks.unavailable=%.0f", unavailable)).toString();
    }

    static void printMeters(List<Outcome> outcomes, PrintStream out) {
        out.println("Micrometer meters per pool (MicrometerPoolMetrics into a SimpleMeterRegistry):");
        for (Outcome r : outcomes) {
            out.printf(Locale.ROOT, "  demo-%s: %s%n", r.strategy(), r.meters());
        }
        out.println();
    }

    /** Tries per server so far (retries included), from the pool's own counters, by backend name. */
    private static Map<String, Long> picks(LoadBalancingPool pool, Map<String, String> names) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (EndpointStats s : pool.stats()) {
            m.put(names.getOrDefault(s.server().id(), s.server().id()), s.picks());
        }
        return m;
    }

    /** Writes the backends as a server list, the file each strategy's pool then follows. */
    private static void writeServersFile(DemoOptions o, List<Backend> backends, PrintStream out) throws IOException {
        StringBuilder text = new StringBuilder("# lb4j demo backends: delete a line to drain that backend, put it back to\n"
                + "# see it rejoin with slow start. Format: host:port [weight=N] [backup]\n");
        for (Backend b : backends) {
            text.append(b.host()).append(':').append(b.port()).append("   # ").append(b.name()).append(' ')
                    .append(b.role()).append('\n');
        }
        Files.writeString(o.serversFile(), text);
        out.println("  servers file: " + o.serversFile().toAbsolutePath() + " (edit it during the run)");
    }

    /** The binder applies the file's first list on its own thread: wait (bounded) for it before sending traffic. */
    private static void awaitMembers(LoadBalancingPool pool) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pool.servers().isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
    }

    static void printTable(List<Outcome> outcomes, List<Backend> backends, PrintStream out) {
        out.println();
        StringBuilder head = new StringBuilder(
                "| strategy | requests | req/s | p50 ms | p99 ms | p99.9 ms | failed tries (before retries) "
                        + "| errors (after retries) | retried |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Backend b : backends) {
            head.append(' ').append(b.name()).append(b.role().equals("normal") ? "" : " (" + b.role() + ")").append(" |");
            rule.append("---:|");
        }
        out.println(head);
        out.println(rule);
        for (Outcome r : outcomes) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %s | %s | %s | %s | %s |",
                    r.strategy(), r.requests(), r.requests() / r.seconds(), fmt(r.p(50)), fmt(r.p(99)), fmt(r.p(99.9)),
                    String.format(Locale.ROOT, "%,d (%.2f%% of tries)", r.failedTries(),
                            r.tries() == 0 ? 0.0 : 100.0 * r.failedTries() / r.tries()),
                    String.format(Locale.ROOT, "%d (%.2f%%)", r.errors(),
                            r.requests() == 0 ? 0.0 : 100.0 * r.errors() / r.requests())));
            row.append(String.format(Locale.ROOT, " %d |", Math.max(0, r.tries() - r.requests())));
            for (Backend b : backends) {
                row.append(String.format(Locale.ROOT, " %.1f%% |", 100 * r.share(b.name())));
            }
            out.println(row);
        }
        out.println();
    }

    private static void writeChart(List<Outcome> outcomes, DemoOptions o, PrintStream out) throws IOException {
        List<String> cats = new ArrayList<>();
        int n = outcomes.size();
        double[][] latency = new double[3][n];
        double[][] throughput = new double[1][n];
        double[][] shares = new double[2][n];
        for (int i = 0; i < n; i++) {
            Outcome r = outcomes.get(i);
            cats.add(r.strategy());
            latency[0][i] = r.p(50);
            latency[1][i] = r.p(99);
            latency[2][i] = r.p(99.9);
            throughput[0][i] = r.requests() / r.seconds();
            shares[0][i] = 100 * r.share("b0");
            shares[1][i] = r.tries() == 0 ? 0 : 100.0 * r.failedTries() / r.tries();
        }
        PanelChart.write(o.chart(), "lb4j demo: latency, throughput and where the tries went, per strategy",
                String.format(Locale.ROOT, "%d real HTTP backends on loopback (b0 10x slow, b1 503s for a third of the run), "
                        + "%d OkHttp client threads in a closed loop, %.0f s each", o.servers(), o.concurrency(), o.seconds()),
                cats, List.of(
                        new PanelChart.Panel("latency, ms (log; lower is better)", List.of("p50", "p99", "p99.9"),
                                latency, true, 5, 0),
                        new PanelChart.Panel("requests/s (higher is better)", List.of("throughput"), throughput,
                                false, 3, 4),
                        new PanelChart.Panel("% of tries", List.of("to the 10x slow b0", "failed (503, before retries)"),
                                shares, false, 3, 5)),
                1200, 1000);
        out.println("chart: " + o.chart().toAbsolutePath());
    }

    static String fmt(double ms) {
        if (Double.isNaN(ms)) {
            return "–";
        }
        return String.format(Locale.ROOT, ms >= 100 ? "%,.0f" : ms >= 10 ? "%.1f" : "%.2f", ms);
    }
}
