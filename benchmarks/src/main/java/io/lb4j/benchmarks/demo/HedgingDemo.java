package io.lb4j.benchmarks.demo;

import io.lb4j.api.Server;
import io.lb4j.benchmarks.Flags;
import io.lb4j.benchmarks.StrategyCatalog;
import io.lb4j.benchmarks.report.Charts;
import io.lb4j.okhttp.HedgingConfig;
import io.lb4j.okhttp.LoadBalancingInterceptor;
import io.lb4j.okhttp.LoadBalancingInterceptorBuilder;
import io.lb4j.okhttp.RouteOptions;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolBuilder;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's slow-request mode ({@code demo.sh --slow-requests}): every backend is normal except that a
 * small share of its requests (1% by default) takes 50 times longer, as a GC pause would; the same traffic
 * runs through lb4j once without hedging and once with hedged requests after the p95 of recent latency
 * (within the default 5% hedge budget), and the table and chart show what hedging does to p99 and p99.9
 * and what it costs in extra requests. The backends are the JDK's HTTP server: a cancelled try keeps its
 * worker busy until done, the conservative case.
 */
public final class HedgingDemo {
    /** The flag that selects this mode in {@link Demo}. */
    public static final String FLAG = "--slow-requests";
    private static final Set<String> VALUED = Set.of("servers", "duration", "concurrency", "workers", "mean-ms",
            "slow-share", "slow-factor", "strategy", "chart");
    private static final Set<String> BOOLEANS = Set.of("help", "slow-requests");

    private HedgingDemo() {
    }

    /** What one phase measured. */
    record Phase(String name, Histogram latencyMicros, long requests, long errors, double seconds, long hedges) {
        double p(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    static String usage() {
        return String.join("\n",
                "usage: java -jar benchmarks/target/lb4j-demo.jar --slow-requests [flags]",
                "",
                "Real HTTP backends on 127.0.0.1, each answering a share of its requests 50x slower (a GC pause);",
                "the same OkHttp traffic through lb4j without and with hedged requests (after the p95 of recent",
                "latency, within a 5% budget); prints p50/p99/p99.9 and the extra requests, and a PNG chart.",
                "",
                "  --servers N         backends, 3..50 (default 5)",
                "  --duration S        seconds per phase, 2..3600 (default 15)",
                "  --concurrency C     client threads, 1..512 (default 12)",
                "  --workers W         worker threads per backend, 1..256 (default 8)",
                "  --mean-ms M         mean service time in ms (default 5)",
                "  --slow-share P      share of slow requests, 0..0.5 (default 0.01)",
                "  --slow-factor F     how much slower, 1..1000 (default 50)",
                "  --strategy S        the pool's strategy (default least-request)",
                "  --chart FILE        the PNG chart (default lb4j-demo-hedging.png)",
                "  --help              this text");
    }

    public static void main(String[] args) throws Exception {
        Flags f;
        try {
            f = Flags.parse(args, VALUED, BOOLEANS);
            if (f.has("help")) {
                System.out.println(usage());
                return;
            }
            run(f.integer("servers", 5, 3, 50), f.number("duration", 15, 2, 3600), f.integer("concurrency", 12, 1, 512),
                    f.integer("workers", 8, 1, 256), f.number("mean-ms", 5, 0.1, 10_000),
                    f.number("slow-share", 0.01, 0, 0.5), f.number("slow-factor", 50, 1, 1000),
                    StrategyCatalog.canonical(f.string("strategy", "least-request")),
                    Path.of(f.string("chart", "lb4j-demo-hedging.png")), System.out);
        } catch (Flags.UsageException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println();
            System.err.println(usage());
            System.exit(2);
        }
    }

    static List<Phase> run(int servers, double seconds, int concurrency, int workers, double meanMillis, double slowShare,
                           double slowFactor, String strategy, Path chart, PrintStream out)
            throws IOException, InterruptedException {
        List<Backend> backends = new ArrayList<>();
        try {
            for (int i = 0; i < servers; i++) {
                Backend b = Backend.start("b" + i, "slow requests", workers, meanMillis);
                b.slowRequests(slowShare, slowFactor);
                backends.add(b);
            }
            out.printf(Locale.ROOT, "lb4j demo, slow-request mode: %d backends on loopback (%d workers, mean %.1f ms,"
                            + " %.1f%% of requests %.0fx slower), %d client threads, %.0f s per phase, strategy %s%n",
                    servers, workers, meanMillis, 100 * slowShare, slowFactor, concurrency, seconds, strategy);
            OkHttpClient client = new OkHttpClient.Builder()
                    .connectionPool(new ConnectionPool(4 * concurrency + servers, 1, TimeUnit.MINUTES))
                    .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(30))
                    .retryOnConnectionFailure(false).build();
            List<Phase> phases = new ArrayList<>();
            try {
                phases.add(phase("no hedging", null, backends, client, strategy, seconds, concurrency, out));
                phases.add(phase("hedging at p95", HedgingConfig.ofDefaults(), backends, client, strategy, seconds,
                        concurrency, out));
            } finally {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
            out.println();
            out.println("| phase | requests | req/s | p50 ms | p99 ms | p99.9 ms | errors | hedges (extra requests) |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            for (Phase p : phases) {
                out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %s | %s | %s | %d | %,d (%.2f%%) |%n", p.name(), p.requests(),
                        p.requests() / p.seconds(), Demo.fmt(p.p(50)), Demo.fmt(p.p(99)), Demo.fmt(p.p(99.9)), p.errors(),
                        p.hedges(), p.requests() == 0 ? 0.0 : 100.0 * p.hedges() / p.requests());
            }
            out.println();
            List<String> cats = new ArrayList<>();
            double[][] v = new double[3][phases.size()];
            for (int i = 0; i < phases.size(); i++) {
                cats.add(phases.get(i).name());
                v[0][i] = phases.get(i).p(50);
                v[1][i] = phases.get(i).p(99);
                v[2][i] = phases.get(i).p(99.9);
            }
            Charts.groupedBars(chart, "lb4j demo: hedged requests against slow requests (lower is better)",
                    String.format(Locale.ROOT, "%d real HTTP backends on loopback, %.1f%% of requests %.0fx slower; %d"
                            + " OkHttp client threads, %.0f s per phase", servers, 100 * slowShare, slowFactor, concurrency,
                            seconds), "latency (ms, log scale)", cats, List.of("p50", "p99", "p99.9"), v, true, 1000, 600);
            out.println("chart: " + chart.toAbsolutePath());
            return phases;
        } finally {
            backends.parallelStream().forEach(Backend::close);
        }
    }

    private static Phase phase(String name, HedgingConfig hedging, List<Backend> backends, OkHttpClient client,
                               String strategy, double seconds, int concurrency, PrintStream out)
            throws InterruptedException {
        PoolBuilder pb = LoadBalancingPool.builder("demo-" + name.replace(' ', '-'))
                .strategy(StrategyCatalog.create(strategy)).config(Demo.POOL_CONFIG);
        for (Backend b : backends) {
            pb.server(Server.builder(b.host(), b.port()).id(b.name()).build());
        }
        ConcurrentHistogram histogram = new ConcurrentHistogram(3);
        LongAdder requests = new LongAdder();
        LongAdder errors = new LongAdder();
        try (LoadBalancingPool pool = pb.build()) {
            LoadBalancingInterceptorBuilder lb = LoadBalancingInterceptor.builder();
            if (hedging == null) {
                lb.pool(Demo.LOGICAL_HOST, pool);
            } else {
                // The hedge client sends every try of a hedged request on its dispatcher: lift OkHttp's default
                // limits (64 calls, 5 per host; every backend here is 127.0.0.1) above the client threads.
                okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
                dispatcher.setMaxRequests(4 * concurrency);
                dispatcher.setMaxRequestsPerHost(4 * concurrency);
                lb.pool(Demo.LOGICAL_HOST, pool, RouteOptions.custom().hedging(hedging).build())
                        .hedgeCallFactory(client.newBuilder().dispatcher(dispatcher).build());
            }
            LoadBalancingInterceptor interceptor = lb.build();
            OkHttpClient lbClient = client.newBuilder().addInterceptor(interceptor).build();
            Request req = new Request.Builder().url("http://" + Demo.LOGICAL_HOST + "/").build();
            // Unmeasured warm-up: the JIT, connections, and the hedge delay's first 100 latencies.
            loop(lbClient, req, concurrency, Math.min(2, seconds / 4), null, requests, errors);
            requests.reset();
            errors.reset();
            long hedgesBefore = interceptor.hedgesSent();
            long start = System.nanoTime();
            loop(lbClient, req, concurrency, seconds, histogram, requests, errors);
            double took = (System.nanoTime() - start) / 1e9;
            Phase p = new Phase(name, histogram, requests.sum(), errors.sum(), took,
                    interceptor.hedgesSent() - hedgesBefore);
            out.printf(Locale.ROOT, "  %-16s %,d requests (%.0f/s), p50 %s ms, p99 %s ms, p99.9 %s ms, %d errors, %d hedges%n",
                    name, p.requests(), p.requests() / took, Demo.fmt(p.p(50)), Demo.fmt(p.p(99)), Demo.fmt(p.p(99.9)),
                    p.errors(), p.hedges());
            return p;
        }
    }

    private static void loop(OkHttpClient client, Request req, int concurrency, double seconds, Histogram histogram,
                             LongAdder requests, LongAdder errors) throws InterruptedException {
        long stopAt = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            Thread th = new Thread(() -> {
                while (System.nanoTime() - stopAt < 0) {
                    long t0 = System.nanoTime();
                    requests.increment();
                    try (Response resp = client.newCall(req).execute()) {
                        resp.body().string();
                        if (resp.code() >= 500) {
                            errors.increment();
                        } else if (histogram != null) {
                            histogram.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
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
        for (Thread th : threads) {
            th.join(60_000);
        }
    }
}
