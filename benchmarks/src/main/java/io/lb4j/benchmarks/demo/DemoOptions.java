package io.lb4j.benchmarks.demo;

import io.lb4j.benchmarks.Flags;
import io.lb4j.benchmarks.StrategyCatalog;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The demo's command line. {@link #parse(String[])} validates every flag and throws a
 * {@link Flags.UsageException} whose message says what was wrong.
 *
 * @param strategies   strategies to run, in order
 * @param servers      backends: b0 is 10× slow, b1 fails for the middle third of each run, the rest are normal
 * @param seconds      seconds per strategy
 * @param concurrency  client threads, each sending one request after another
 * @param workers      worker threads per backend
 * @param meanMillis   mean service time of a normal backend
 * @param chart        the PNG chart to write
 * @param help         print the usage and exit
 * @param serversFile  null, or a server-list file the demo writes at start and then follows: each strategy's
 *                     pool is fed from it through a {@code FileServerSource}, so editing it during the run makes
 *                     backends leave (drained) and join (slow start)
 */
public record DemoOptions(List<String> strategies, int servers, double seconds, int concurrency, int workers,
                          double meanMillis, Path chart, boolean help, Path serversFile) {
    public static final int DEFAULT_SERVERS = 5;
    public static final double DEFAULT_SECONDS = 8;
    public static final int DEFAULT_CONCURRENCY = 12;
    public static final int DEFAULT_WORKERS = 4;
    public static final double DEFAULT_MEAN_MILLIS = 10;
    public static final String DEFAULT_CHART = "lb4j-demo.png";

    private static final Set<String> VALUED = Set.of("strategies", "servers", "duration", "concurrency", "workers",
            "mean-ms", "chart", "servers-file");
    private static final Set<String> BOOLEANS = Set.of("help");

    /** Options without a servers file. */
    public DemoOptions(List<String> strategies, int servers, double seconds, int concurrency, int workers,
                       double meanMillis, Path chart, boolean help) {
        this(strategies, servers, seconds, concurrency, workers, meanMillis, chart, help, null);
    }

    /** The strategies run when {@code --strategies} is not given. */
    public static List<String> defaultStrategies() {
        return StrategyCatalog.demoDefaults();
    }

    public static DemoOptions parse(String[] args) throws Flags.UsageException {
        Flags f = Flags.parse(args, VALUED, BOOLEANS);
        if (f.has("servers-file") && f.string("servers-file", "").isBlank()) {
            throw new Flags.UsageException("--servers-file needs a file name");
        }
        return new DemoOptions(
                StrategyCatalog.canonicalList(f.list("strategies", defaultStrategies(), StrategyCatalog.accepted())),
                f.integer("servers", DEFAULT_SERVERS, 3, 50),
                f.number("duration", DEFAULT_SECONDS, 1, 3600),
                f.integer("concurrency", DEFAULT_CONCURRENCY, 1, 512),
                f.integer("workers", DEFAULT_WORKERS, 1, 256),
                f.number("mean-ms", DEFAULT_MEAN_MILLIS, 0.1, 10_000),
                Path.of(f.string("chart", DEFAULT_CHART)),
                f.has("help"),
                f.has("servers-file") ? Path.of(f.string("servers-file", null)) : null);
    }

    public static String usage() {
        return String.join("\n",
                "usage: java -jar benchmarks/target/lb4j-demo.jar [flags]",
                "",
                "Starts real HTTP backends on 127.0.0.1 (b0 is 10x slower, b1 answers 503 during the middle third",
                "of each run, the others are normal), sends real OkHttp traffic through an lb4j pool with each",
                "strategy in turn, and prints p50/p99/errors/share per strategy plus a PNG chart.",
                "",
                "  --strategies a,b,..  strategies to run (default " + String.join(",", defaultStrategies()) + ")",
                "                       available: " + String.join(", ", StrategyCatalog.names()),
                "                       (aliases such as rr, lc, wlc, dh, p2c-ewma are accepted)",
                "  --servers N          backends, 3..50 (default " + DEFAULT_SERVERS + ")",
                "  --duration S         seconds per strategy, 1..3600 (default " + (int) DEFAULT_SECONDS + ")",
                "  --concurrency C      client threads, 1..512 (default " + DEFAULT_CONCURRENCY + ")",
                "  --workers W          worker threads per backend, 1..256 (default " + DEFAULT_WORKERS + ")",
                "  --mean-ms M          mean service time of a normal backend in ms (default " + (int) DEFAULT_MEAN_MILLIS + ")",
                "  --chart FILE         where to write the PNG chart (default " + DEFAULT_CHART + ")",
                "  --servers-file FILE  write the backends to FILE (one host:port per line) and feed each pool from it:",
                "                       delete a line during the run and that backend is drained and leaves; put it",
                "                       back and it joins with a 5 s slow start (a bad edit keeps the last good list)",
                "  --help               this text",
                "  --slow-requests      the slow-request mode instead: hedged requests against 1% of requests 50x",
                "                       slower (its own flags: --slow-requests --help)");
    }
}
