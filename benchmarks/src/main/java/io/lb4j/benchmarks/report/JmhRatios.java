package io.lb4j.benchmarks.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns JMH's JSON results ({@code -rf json}) of this module's benchmarks into the markdown tables of
 * {@code benchmarks/README.md}: times, ratios to the in-run {@code AtomicInteger} baseline and to
 * Apache Dubbo, bytes per operation, and every target with its verdict.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.lb4j.benchmarks.report.JmhRatios
 * results-t1.json [results-t2.json ...]}
 */
public final class JmhRatios {
    private static final String PKG = "io.lb4j.benchmarks.jmh.";
    private static final int[] SIZES = {10, 100, 1000};

    /** lb4j strategy name → the Dubbo load balance it is compared with (the pairs). */
    static final Map<String, String> COUNTERPARTS = new LinkedHashMap<>();
    /** Strategies that scan every endpoint per pick (the LVS full-scan schedulers). */
    static final Set<String> FULL_SCAN = new LinkedHashSet<>();
    /** Round robin names (the 1.5×-baseline and flatness targets). */
    static final Set<String> ROUND_ROBIN = new LinkedHashSet<>();

    /** lb4j strategy → a Dubbo load balance shown for information only (no target in the issue). */
    static final Map<String, String> INFORMATIVE = new LinkedHashMap<>();

    static {
        for (String rr : List.of("rr", "round-robin")) {
            COUNTERPARTS.put(rr, "roundrobin");
            ROUND_ROBIN.add(rr);
        }
        for (String wrr : List.of("wrr", "weighted-round-robin")) {
            COUNTERPARTS.put(wrr, "roundrobin");
        }
        COUNTERPARTS.put("random", "random");
        for (String lc : List.of("lc", "least-connections")) {
            COUNTERPARTS.put(lc, "leastactive");
        }
        for (String h : List.of("dh", "sh", "destination-hash", "source-hash")) {
            COUNTERPARTS.put(h, "consistenthash");
        }
        INFORMATIVE.put("destination-hash-ketama", "consistenthash");
        INFORMATIVE.put("peak-ewma", "shortestresponse");
        INFORMATIVE.put("least-request", "leastactive");
        // LVS schedulers that scan every endpoint per pick; lblc/lblcr scan when the key's server is
        // overloaded (in flight > weight), which the fixture's uneven in-flight counts make common.
        FULL_SCAN.addAll(List.of("lc", "wlc", "sed", "nq", "least-connections", "weighted-least-connections",
                "shortest-expected-delay", "never-queue", "locality-least-connections",
                "locality-least-connections-replicated", "lblc", "lblcr"));
    }

    /** One JMH result row. */
    record Result(String benchmark, Map<String, String> params, int threads, double score, String unit,
                  double bytesPerOp) {
        String param(String name) {
            return params.getOrDefault(name, "");
        }
    }

    private final List<Result> results;
    private final List<String> verdicts = new ArrayList<>();

    JmhRatios(List<Result> results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.err.println("usage: JmhRatios results.json [more.json ...]   (JMH -rf json output)");
            System.exit(args.length == 0 ? 2 : 0);
        }
        List<Result> all = new ArrayList<>();
        for (String a : args) {
            all.addAll(read(Files.readString(Path.of(a), StandardCharsets.UTF_8)));
        }
        new JmhRatios(all).print(System.out);
    }

    /** Parses one JMH JSON document. */
    @SuppressWarnings("unchecked")
    static List<Result> read(String json) {
        List<Result> out = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(json)) {
            Map<String, Object> m = (Map<String, Object>) o;
            String bench = (String) m.get("benchmark");
            if (bench.startsWith(PKG)) {
                bench = bench.substring(PKG.length());
            }
            Map<String, String> params = new LinkedHashMap<>();
            Object p = m.get("params");
            if (p instanceof Map) {
                ((Map<String, Object>) p).forEach((k, v) -> params.put(k, String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) m.get("primaryMetric");
            double bytes = Double.NaN;
            Object sec = m.get("secondaryMetrics");
            if (sec instanceof Map) {
                Object norm = ((Map<String, Object>) sec).get("gc.alloc.rate.norm");
                if (norm instanceof Map) {
                    bytes = number(((Map<String, Object>) norm).get("score"));
                }
            }
            out.add(new Result(bench, params, (int) number(m.get("threads")), number(primary.get("score")),
                    (String) primary.get("scoreUnit"), bytes));
        }
        return out;
    }

    private static double number(Object o) {
        if (o instanceof Double) {
            return (Double) o;
        }
        return o == null ? Double.NaN : Double.parseDouble(o.toString());
    }

    Result find(String bench, int threads, String... kv) {
        outer:
        for (Result r : results) {
            if (!r.benchmark().equals(bench) || r.threads() != threads) {
                continue;
            }
            for (int i = 0; i < kv.length; i += 2) {
                if (!r.param(kv[i]).equals(kv[i + 1])) {
                    continue outer;
                }
            }
            return r;
        }
        return null;
    }

    double ns(String bench, int threads, String... kv) {
        Result r = find(bench, threads, kv);
        return r == null ? Double.NaN : r.score();
    }

    void print(PrintStream out) {
        Set<Integer> threadCounts = new TreeSet<>();
        Set<String> strategies = new LinkedHashSet<>();
        Set<String> dubbos = new LinkedHashSet<>();
        for (Result r : results) {
            threadCounts.add(r.threads());
            if (r.benchmark().startsWith("PickerBenchmark") || r.benchmark().startsWith("PoolBenchmark")) {
                strategies.add(r.param("strategy"));
            } else if (r.benchmark().startsWith("DubboBenchmark")) {
                dubbos.add(r.param("loadBalance"));
            }
        }
        for (int t : threadCounts) {
            out.printf(Locale.ROOT, "### %d thread%s%n%n", t, t == 1 ? "" : "s");
            printPicker(out, t, strategies);
            printPool(out, t, strategies);
            printDubbo(out, t, dubbos);
            printVersus(out, t, strategies);
        }
        printBuild(out);
        out.println("### Targets");
        out.println();
        out.println("| target | measured | verdict |");
        out.println("|---|---|---|");
        for (String v : verdicts) {
            out.println(v);
        }
        out.println();
    }

    private void printPicker(PrintStream out, int t, Set<String> strategies) {
        out.println("`Picker.pick` alone, ns/op (× = multiple of the in-run AtomicInteger-modulo baseline):");
        out.println();
        out.println("| strategy | 10 | 100 | 1000 | 1000 vs 10 | B/op (max) |");
        out.println("|---|---:|---:|---:|---:|---:|");
        out.printf(Locale.ROOT, "| *baseline: AtomicInteger %% n* | %s | %s | %s | %s | %s |%n",
                f(base(t, 10)), f(base(t, 100)), f(base(t, 1000)), ratio(base(t, 1000), base(t, 10)),
                f(maxBytes("BaselineBenchmark.atomicModulo", t, null)));
        for (String s : strategies) {
            double[] v = new double[3];
            StringBuilder row = new StringBuilder("| " + s + " |");
            for (int k = 0; k < 3; k++) {
                v[k] = ns("PickerBenchmark.pick", t, "strategy", s, "servers", String.valueOf(SIZES[k]));
                row.append(' ').append(f(v[k])).append(" (").append(times(v[k], base(t, SIZES[k]))).append(") |");
            }
            double bytes = maxBytes("PickerBenchmark.pick", t, s);
            row.append(' ').append(ratio(v[2], v[0])).append(" | ").append(f(bytes)).append(" |");
            out.println(row);
            if (Double.isNaN(v[0])) {
                continue;
            }
            // JMH's own per-iteration allocations, amortised over the operations, show as a few hundredths
            // of a byte for slow operations: anything under half a byte is "no allocation per pick".
            verdict("0 B/op: " + s + " Picker.pick, " + t + "t", f2(bytes) + " B/op", bytes < 0.5);
            if (ROUND_ROBIN.contains(s)) {
                for (int k = 0; k < 3; k++) {
                    double x = v[k] / base(t, SIZES[k]);
                    verdict(s + " within 1.5× baseline at " + SIZES[k] + ", " + t + "t", f2(x) + "×", x <= 1.5);
                }
                double flat = v[2] / v[0];
                verdict(s + " flat ±20% from 10 to 1000, " + t + "t", f2(flat) + "× (1000 vs 10)",
                        flat >= 0.8 && flat <= 1.2);
            } else if (!FULL_SCAN.contains(s)) {
                double x = v[2] / base(t, 1000);
                verdict(s + " (O(1)/O(log n)) within 20× baseline at 1000, " + t + "t", f2(x) + "×", x <= 20);
            }
        }
        out.println();
    }

    private void printPool(PrintStream out, int t, Set<String> strategies) {
        if (find("PoolBenchmark.acquireAndSucceed", t) == null) {
            return;
        }
        out.println("`pool.acquire(ctx)` + `lease.success(latency)` through a LoadBalancingPool, ns/op and B/op:");
        out.println();
        out.println("| strategy | 10 | 100 | 1000 | B/op at 10 / 100 / 1000 |");
        out.println("|---|---:|---:|---:|---:|");
        for (String s : strategies) {
            StringBuilder row = new StringBuilder("| " + s + " |");
            StringBuilder bytes = new StringBuilder();
            for (int n : SIZES) {
                Result r = find("PoolBenchmark.acquireAndSucceed", t, "strategy", s, "servers", String.valueOf(n));
                row.append(' ').append(r == null ? "–" : f(r.score())).append(" |");
                bytes.append(bytes.length() == 0 ? "" : " / ").append(r == null ? "–" : f(r.bytesPerOp()));
            }
            out.println(row + " " + bytes + " |");
        }
        out.println();
    }

    private void printDubbo(PrintStream out, int t, Set<String> dubbos) {
        if (dubbos.isEmpty()) {
            return;
        }
        out.println("Apache Dubbo 3.3.5 `LoadBalance.select`, ns/op:");
        out.println();
        out.println("| Dubbo load balance | 10 | 100 | 1000 | B/op at 10 / 100 / 1000 |");
        out.println("|---|---:|---:|---:|---:|");
        for (String d : dubbos) {
            StringBuilder row = new StringBuilder("| " + d + " |");
            StringBuilder bytes = new StringBuilder();
            for (int n : SIZES) {
                Result r = find("DubboBenchmark.select", t, "loadBalance", d, "servers", String.valueOf(n));
                row.append(' ').append(r == null ? "–" : f(r.score())).append(" |");
                bytes.append(bytes.length() == 0 ? "" : " / ").append(r == null ? "–" : f(r.bytesPerOp()));
            }
            out.println(row + " " + bytes + " |");
        }
        out.println();
    }

    private void printVersus(PrintStream out, int t, Set<String> strategies) {
        out.println("Speed-up over Dubbo (Dubbo select ns ÷ lb4j `Picker.pick` ns; in brackets: ÷ lb4j pool acquire+success):");
        out.println();
        out.println("| lb4j | Dubbo | 10 | 100 | 1000 |");
        out.println("|---|---|---:|---:|---:|");
        for (String s : strategies) {
            String d = COUNTERPARTS.get(s);
            if (d == null) {
                d = INFORMATIVE.get(s);
            }
            if (d == null && FULL_SCAN.contains(s)) {
                d = "leastactive";
            }
            if (d == null) {
                continue;
            }
            StringBuilder row = new StringBuilder("| " + s + " | " + d + " |");
            double[] x = new double[3];
            for (int k = 0; k < 3; k++) {
                String n = String.valueOf(SIZES[k]);
                double dub = ns("DubboBenchmark.select", t, "loadBalance", d, "servers", n);
                double pick = ns("PickerBenchmark.pick", t, "strategy", s, "servers", n);
                double pool = ns("PoolBenchmark.acquireAndSucceed", t, "strategy", s, "servers", n);
                x[k] = dub / pick;
                row.append(' ').append(f(x[k])).append("× (").append(f(dub / pool)).append("×) |");
            }
            out.println(row);
            if (Double.isNaN(x[2])) {
                continue;
            }
            if (COUNTERPARTS.containsKey(s)) {
                verdict(s + " ≥10× faster than Dubbo " + d + " at 100, " + t + "t", f(x[1]) + "×", x[1] >= 10);
                verdict(s + " ≥100× faster than Dubbo " + d + " at 1000, " + t + "t", f(x[2]) + "×", x[2] >= 100);
            }
            if (FULL_SCAN.contains(s)) {
                verdict(s + " (full scan) ≥100× faster than Dubbo leastactive at 1000, " + t + "t",
                        f(ns("DubboBenchmark.select", t, "loadBalance", "leastactive", "servers", "1000")
                                / ns("PickerBenchmark.pick", t, "strategy", s, "servers", "1000")) + "×",
                        ns("DubboBenchmark.select", t, "loadBalance", "leastactive", "servers", "1000")
                                / ns("PickerBenchmark.pick", t, "strategy", s, "servers", "1000") >= 100);
            }
        }
        out.println();
    }

    private void printBuild(PrintStream out) {
        List<Result> builds = new ArrayList<>();
        for (Result r : results) {
            if (r.benchmark().startsWith("TableBuildBenchmark.")) {
                builds.add(r);
            }
        }
        if (builds.isEmpty()) {
            return;
        }
        out.println("### Hash table build, 100 servers (one update)");
        out.println();
        out.println("| build | time | unit | × Maglev |");
        out.println("|---|---:|---|---:|");
        Result maglev = null;
        for (Result r : builds) {
            if (r.benchmark().toLowerCase(Locale.ROOT).contains("maglev")) {
                maglev = r;
            }
        }
        for (Result r : builds) {
            String name = r.benchmark().substring("TableBuildBenchmark.".length());
            out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", name, f(r.score()), r.unit(),
                    maglev == null ? "–" : f2(r.score() / maglev.score()));
            if (maglev != null && r != maglev) {
                double x = r.score() / maglev.score();
                verdict("Maglev (M=65537) build ≥5× faster than " + name, f2(x) + "×", x >= 5);
            }
        }
        out.println();
    }

    private double base(int t, int n) {
        return ns("BaselineBenchmark.atomicModulo", t, "servers", String.valueOf(n));
    }

    private double maxBytes(String bench, int t, String strategy) {
        double max = Double.NaN;
        for (Result r : results) {
            if (r.benchmark().equals(bench) && r.threads() == t
                    && (strategy == null || r.param("strategy").equals(strategy))) {
                max = Double.isNaN(max) ? r.bytesPerOp() : Math.max(max, r.bytesPerOp());
            }
        }
        return max;
    }

    private void verdict(String target, String measured, boolean met) {
        boolean missing = measured.startsWith("–");
        verdicts.add("| " + target + " | " + (missing ? "–" : measured) + " | "
                + (missing ? "not measured" : met ? "met" : "**missed**") + " |");
    }

    static String f(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Math.abs(v) < 0.01) {
            return "0";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String times(double v, double base) {
        return Double.isNaN(v) || Double.isNaN(base) ? "–" : f2(v / base) + "×";
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? "–" : f2(a / b) + "×";
    }
}
