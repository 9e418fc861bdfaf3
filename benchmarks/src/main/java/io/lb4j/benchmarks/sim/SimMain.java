package io.lb4j.benchmarks.sim;

import io.lb4j.benchmarks.Flags;
import io.lb4j.benchmarks.StrategyCatalog;
import io.lb4j.benchmarks.report.Charts;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs the tail-latency simulation for every strategy and scenario, prints markdown tables
 * (p50/p99/p99.9, error rates, each server's share), checks the targets and writes a PNG chart of p99
 * per strategy per scenario (log scale). Run with {@code --help} for the flags.
 */
public final class SimMain {
    private static final Set<String> VALUED = Set.of("strategies", "scenarios", "servers", "workers", "utilisation",
            "duration", "warmup", "mean-ms", "distribution", "sigma", "seed", "chart");
    private static final Set<String> BOOLEANS = Set.of("help");

    private SimMain() {
    }

    static String usage() {
        List<String> scenarios = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            scenarios.add(s.cliName());
        }
        return String.join("\n",
                "usage: java -cp benchmarks.jar io.lb4j.benchmarks.sim.SimMain [flags]",
                "",
                "Deterministic discrete-event simulation of one client balancing Poisson traffic over N FIFO",
                "servers through the real LoadBalancingPool; virtual time, no sleeping.",
                "",
                "  --strategies a,b,..   strategies to compare (default: all): " + String.join(", ", StrategyCatalog.names()),
                "  --scenarios a,b,..    scenarios (default: all): " + String.join(", ", scenarios),
                "  --servers N           servers, 1..1000 (default " + SimConfig.DEFAULT_SERVERS + ")",
                "  --workers C           concurrent workers per server, 1..256 (default " + SimConfig.DEFAULT_WORKERS + ")",
                "  --utilisation U       offered load / healthy capacity, 0.01..0.99 (default " + SimConfig.DEFAULT_UTILISATION + ")",
                "  --mean-ms M           mean service time in ms (default " + SimConfig.DEFAULT_MEAN_SERVICE_MILLIS + ")",
                "  --distribution D      exponential | log-normal (default exponential)",
                "  --sigma S             log-normal shape, 0.05..3 (default " + SimConfig.DEFAULT_LOG_NORMAL_SIGMA + ")",
                "  --duration S          virtual seconds per run (default " + SimConfig.DEFAULT_DURATION_SECONDS + ")",
                "  --warmup S            virtual seconds not counted (default " + SimConfig.DEFAULT_WARMUP_SECONDS + ")",
                "  --seed N              random seed (default " + SimConfig.DEFAULT_SEED + ")",
                "  --chart FILE          PNG chart of p99 per strategy and scenario (default lb4j-sim-p99.png)",
                "  --help                this text");
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.lb4j.pool", "error");
        Flags flags;
        List<String> strategies;
        List<Scenario> scenarios = new ArrayList<>();
        SimConfig config;
        Path chart;
        try {
            flags = Flags.parse(args, VALUED, BOOLEANS);
            if (flags.has("help")) {
                System.out.println(usage());
                return;
            }
            strategies = StrategyCatalog.canonicalList(
                    flags.list("strategies", StrategyCatalog.names(), StrategyCatalog.accepted()));
            List<String> allScenarios = new ArrayList<>();
            for (Scenario s : Scenario.values()) {
                allScenarios.add(s.cliName());
            }
            for (String s : flags.list("scenarios", allScenarios, allScenarios)) {
                scenarios.add(Scenario.parse(s));
            }
            String dist = flags.string("distribution", "exponential");
            SimConfig.Distribution distribution;
            if (dist.equals("exponential")) {
                distribution = SimConfig.Distribution.EXPONENTIAL;
            } else if (dist.equals("log-normal")) {
                distribution = SimConfig.Distribution.LOG_NORMAL;
            } else {
                throw new Flags.UsageException("--distribution must be exponential or log-normal, was '" + dist + "'");
            }
            try {
                config = SimConfig.custom()
                        .servers(flags.integer("servers", SimConfig.DEFAULT_SERVERS, 1, 1000))
                        .workersPerServer(flags.integer("workers", SimConfig.DEFAULT_WORKERS, 1, 256))
                        .utilisation(flags.number("utilisation", SimConfig.DEFAULT_UTILISATION, 0.01, 0.99))
                        .meanServiceMillis(flags.number("mean-ms", SimConfig.DEFAULT_MEAN_SERVICE_MILLIS, 0.001, 60_000))
                        .distribution(distribution)
                        .logNormalSigma(flags.number("sigma", SimConfig.DEFAULT_LOG_NORMAL_SIGMA, 0.05, 3))
                        .durationSeconds(flags.number("duration", SimConfig.DEFAULT_DURATION_SECONDS, 0.1, 86_400))
                        .warmupSeconds(flags.number("warmup", SimConfig.DEFAULT_WARMUP_SECONDS, 0, 86_400))
                        .seed(flags.integer("seed", (int) SimConfig.DEFAULT_SEED, Integer.MIN_VALUE, Integer.MAX_VALUE))
                        .build();
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException(e.getMessage());
            }
            chart = Path.of(flags.string("chart", "lb4j-sim-p99.png"));
        } catch (Flags.UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println();
            System.err.println(usage());
            System.exit(2);
            return;
        }
        run(config, strategies, scenarios, chart, System.out);
    }

    /** Runs every pair, prints the report, writes the chart; returns the results by scenario and strategy. */
    public static Map<Scenario, Map<String, SimResult>> run(SimConfig config, List<String> strategies,
                                                            List<Scenario> scenarios, Path chart, PrintStream out)
            throws java.io.IOException {
        out.println("lb4j tail-latency simulation: " + config);
        out.println("pool: " + config.poolConfig());
        Simulation sim = new Simulation(config, StrategyCatalog.factory());
        Map<Scenario, Map<String, SimResult>> all = new LinkedHashMap<>();
        long started = System.nanoTime();
        for (Scenario sc : scenarios) {
            Map<String, SimResult> row = new LinkedHashMap<>();
            for (String st : strategies) {
                row.put(st, sim.run(sc, st));
            }
            all.put(sc, row);
            out.printf(Locale.ROOT, "  %-20s done (%d strategies, %.1fs wall)%n", sc.label(), strategies.size(),
                    (System.nanoTime() - started) / 1e9);
        }
        out.println();
        printSummary(out, scenarios, strategies, all);
        for (Map.Entry<Scenario, Map<String, SimResult>> e : all.entrySet()) {
            printScenario(out, config, e.getKey(), e.getValue());
        }
        printTargets(out, all);
        if (chart != null) {
            List<String> cats = new ArrayList<>(strategies);
            List<String> series = new ArrayList<>();
            double[][] values = new double[scenarios.size()][strategies.size()];
            for (int s = 0; s < scenarios.size(); s++) {
                series.add(scenarios.get(s).label());
                for (int c = 0; c < strategies.size(); c++) {
                    values[s][c] = all.get(scenarios.get(s)).get(strategies.get(c)).p99Millis();
                }
            }
            Charts.groupedBars(chart, "p99 latency by strategy and scenario (lower is better)",
                    String.format(Locale.ROOT, "simulation: %d servers, %.0f%% load, mean service %.0f ms %s, seed %d",
                            config.servers(), 100 * config.utilisation(), config.meanServiceMillis(),
                            config.distribution().name().toLowerCase(Locale.ROOT), config.seed()),
                    "p99 latency (ms, log scale)", cats, series, values, true, 1400, 700);
            out.println("chart: " + chart.toAbsolutePath());
        }
        return all;
    }

    /** One line per strategy: p99 in every scenario, then the troubled server's share and error rates. */
    private static void printSummary(PrintStream out, List<Scenario> scenarios, List<String> strategies,
                                     Map<Scenario, Map<String, SimResult>> all) {
        out.println("#### Summary: p99 latency (ms) per scenario");
        out.println();
        StringBuilder head = new StringBuilder("| strategy |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Scenario sc : scenarios) {
            head.append(' ').append(sc.label()).append(" |");
            rule.append("---:|");
        }
        boolean slow = all.containsKey(Scenario.ONE_SLOW);
        boolean ff = all.containsKey(Scenario.FAIL_FAST);
        if (slow) {
            head.append(" slow server's share |");
            rule.append("---:|");
        }
        if (ff) {
            head.append(" fail-fast errors (after 1st ejection) |");
            rule.append("---:|");
        }
        out.println(head);
        out.println(rule);
        for (String st : strategies) {
            StringBuilder row = new StringBuilder("| " + st + " |");
            for (Scenario sc : scenarios) {
                row.append(' ').append(ms(all.get(sc).get(st).p99Millis())).append(" |");
            }
            if (slow) {
                row.append(String.format(Locale.ROOT, " %.1f%% |", 100 * all.get(Scenario.ONE_SLOW).get(st).share("s0")));
            }
            if (ff) {
                SimResult r = all.get(Scenario.FAIL_FAST).get(st);
                row.append(' ').append(pct(r.errorRate())).append(" (")
                        .append(Double.isNaN(r.errorRateAfterEjection()) ? "–" : pct(r.errorRateAfterEjection()))
                        .append(") |");
            }
            out.println(row);
        }
        out.println();
    }

    private static void printScenario(PrintStream out, SimConfig config, Scenario sc, Map<String, SimResult> row) {
        out.println("#### " + sc.label());
        out.println();
        int n = config.servers();
        boolean perServer = n <= 12;
        StringBuilder head = new StringBuilder("| strategy | p50 ms | p99 ms | p99.9 ms | errors | errors after 1st ejection |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|---:|---:|---:|");
        if (perServer) {
            for (int i = 0; i < n; i++) {
                head.append(" s").append(i).append(" % |");
                rule.append("---:|");
            }
        } else {
            head.append(" share s0 % | share s").append(n - 1).append(" % | others min–max % |");
            rule.append("---:|---:|---:|");
        }
        out.println(head);
        out.println(rule);
        for (SimResult r : row.values()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |",
                    r.strategy(), ms(r.p50Millis()), ms(r.p99Millis()), ms(r.p999Millis()), pct(r.errorRate()),
                    Double.isNaN(r.errorRateAfterEjection()) ? "–" : pct(r.errorRateAfterEjection())));
            if (perServer) {
                for (String id : r.picks().keySet()) {
                    b.append(String.format(Locale.ROOT, " %.1f |", 100 * r.share(id)));
                }
            } else {
                double min = 1;
                double max = 0;
                for (int i = 1; i < n - 1; i++) {
                    double s = r.share("s" + i);
                    min = Math.min(min, s);
                    max = Math.max(max, s);
                }
                b.append(String.format(Locale.ROOT, " %.2f | %.2f | %.2f–%.2f |", 100 * r.share("s0"),
                        100 * r.share("s" + (n - 1)), 100 * min, 100 * max));
            }
            out.println(b);
        }
        out.println();
    }

    /** The targets, judged on what was measured. */
    static void printTargets(PrintStream out, Map<Scenario, Map<String, SimResult>> all) {
        List<String> lines = new ArrayList<>();
        Map<String, SimResult> slow = all.get(Scenario.ONE_SLOW);
        Map<String, SimResult> healthy = all.get(Scenario.HEALTHY);
        SimResult rr = pick(slow, "rr", "round-robin");
        SimResult ewma = pick(slow, "peak-ewma", "ewma");
        SimResult lc = pick(slow, "lc", "least-connections");
        if (ewma != null && healthy != null) {
            SimResult ewmaHealthy = pick(healthy, ewma.strategy());
            double x = ewma.p99Millis() / ewmaHealthy.p99Millis();
            lines.add(verdict("peak-ewma p99 (one slow) within 1.3× of its all-healthy p99",
                    String.format(Locale.ROOT, "%s ms vs %s ms = %.2f×", ms(ewma.p99Millis()),
                            ms(ewmaHealthy.p99Millis()), x), x <= 1.3));
        }
        if (ewma != null && rr != null) {
            double x = ewma.p99Millis() / rr.p99Millis();
            lines.add(verdict("peak-ewma p99 (one slow) at most 0.3× round robin's",
                    String.format(Locale.ROOT, "%s ms vs %s ms = %.3f×", ms(ewma.p99Millis()), ms(rr.p99Millis()), x),
                    x <= 0.3));
        }
        if (lc != null && rr != null) {
            double x = lc.p99Millis() / rr.p99Millis();
            lines.add(verdict("least-connections p99 (one slow) at most 0.5× round robin's",
                    String.format(Locale.ROOT, "%s ms vs %s ms = %.3f×", ms(lc.p99Millis()), ms(rr.p99Millis()), x),
                    x <= 0.5));
        }
        Map<String, SimResult> ff = all.get(Scenario.FAIL_FAST);
        if (ff != null) {
            for (SimResult r : ff.values()) {
                double x = r.errorRateAfterEjection();
                lines.add(verdict("fail-fast: error rate after ejection under 1% (" + r.strategy() + ")",
                        Double.isNaN(x) ? "never ejected" : pct(x) + " (overall " + pct(r.errorRate()) + ")",
                        !Double.isNaN(x) && x < 0.01));
            }
        }
        Map<String, SimResult> unguarded = all.get(Scenario.FAILS_FAST_UNGUARDED);
        if (unguarded != null) {
            for (SimResult r : unguarded.values()) {
                if (!LATENCY_AWARE.contains(r.strategy())) {
                    continue;
                }
                double fair = 1.0 / r.picks().size();
                double share = r.share("s0");
                lines.add(verdict("fails fast, no passive health: s0 under its fair share (" + r.strategy() + ")",
                        String.format(Locale.ROOT, "%.1f%% vs fair %.1f%%", 100 * share, 100 * fair), share < fair));
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        out.println("#### Targets");
        out.println();
        out.println("| target | measured | verdict |");
        out.println("|---|---|---|");
        lines.forEach(out::println);
        out.println();
    }

    /** Strategies that read latency or load, so a failure penalty must steer them. */
    private static final Set<String> LATENCY_AWARE = Set.of("peak-ewma", "ewma", "p2c-ewma", "least-request",
            "lc", "least-connections", "wlc", "weighted-least-connections", "sed", "shortest-expected-delay",
            "nq", "never-queue");

    private static SimResult pick(Map<String, SimResult> m, String... names) {
        if (m == null) {
            return null;
        }
        for (String n : names) {
            if (m.containsKey(n)) {
                return m.get(n);
            }
        }
        return null;
    }

    private static String verdict(String target, String measured, boolean met) {
        return "| " + target + " | " + measured + " | " + (met ? "met" : "**missed**") + " |";
    }

    static String ms(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, v == 0 ? "0%%" : v < 0.001 ? "%.3f%%" : "%.2f%%", 100 * v);
    }
}
