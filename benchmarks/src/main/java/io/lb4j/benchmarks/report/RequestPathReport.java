package io.lb4j.benchmarks.report;

import io.lb4j.benchmarks.report.JmhRatios.Result;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Issue 14's request-path table and targets from one JMH run with 1 and 2 threads
 * ({@code benchmarks/run-request-path.sh}): every cell with its 1- and 2-thread ns/op and B/op, then the
 * targets — the pool's request ({@code acquire} + {@code success}) at most 80 ns at 100 servers with 1
 * thread and 0 B/op for round robin, least-request and peak EWMA; with 2 threads at 100 and 1,000 servers
 * at most 1.3× the 1-thread figure; faster than Spring Cloud LoadBalancer's faster {@code choose()} in every
 * cell — each printed as met or missed.
 */
public final class RequestPathReport {
    private static final String[] TARGET_STRATEGIES = {"round-robin", "least-request", "peak-ewma"};
    private final List<Result> results;
    private final List<String> verdicts = new ArrayList<>();

    RequestPathReport(List<Result> results) {
        this.results = results;
    }

    /** @param args the JMH JSON results, e.g. {@code results-t1.json results-t2.json} */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: RequestPathReport results-t1.json results-t2.json");
            System.exit(2);
        }
        List<Result> all = new ArrayList<>();
        for (String a : args) {
            all.addAll(JmhRatios.read(Files.readString(Path.of(a), StandardCharsets.UTF_8)));
        }
        new RequestPathReport(all).print(System.out);
    }

    private Result find(int threads, String benchmark, String key, String value, String servers) {
        for (Result r : results) {
            if (r.benchmark().equals(benchmark) && r.threads() == threads && r.param("servers").equals(servers)
                    && (key == null || r.param(key).equals(value))) {
                return r;
            }
        }
        return null;
    }

    void print(PrintStream out) {
        Set<String> rows = new LinkedHashSet<>();
        Set<String> servers = new LinkedHashSet<>();
        for (Result r : results) {
            rows.add(label(r));
            servers.add(r.param("servers"));
        }
        out.println("| what | servers | 1 thread ns/op | B/op | 2 threads ns/op | B/op | 2 threads ÷ 1 |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String row : rows) {
            for (String n : servers) {
                Result one = byLabel(row, 1, n);
                Result two = byLabel(row, 2, n);
                if (one == null && two == null) {
                    continue;
                }
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", row, n, ns(one), bytes(one), ns(two),
                        bytes(two), one == null || two == null ? "" : String.format(Locale.ROOT, "%.2f×",
                                two.score() / one.score()));
            }
        }
        out.println();
        targets();
        out.println("| target | measured | verdict |");
        out.println("|---|---|---|");
        verdicts.forEach(out::println);
        out.println();
    }

    private void targets() {
        for (String s : TARGET_STRATEGIES) {
            Result r = find(1, "PoolBenchmark.acquireAndSucceed", "strategy", s, "100");
            if (r != null) {
                verdict("pool request ≤ 80 ns and 0 B/op: " + s + ", 100 servers, 1 thread",
                        String.format(Locale.ROOT, "%.1f ns, %.1f B/op", r.score(), r.bytesPerOp()),
                        r.score() <= 80 && r.bytesPerOp() < 1);
            }
        }
        for (String s : TARGET_STRATEGIES) {
            for (String n : new String[]{"100", "1000"}) {
                Result one = find(1, "PoolBenchmark.acquireAndSucceed", "strategy", s, n);
                Result two = find(2, "PoolBenchmark.acquireAndSucceed", "strategy", s, n);
                if (one != null && two != null) {
                    double ratio = two.score() / one.score();
                    verdict("2 threads ≤ 1.3× 1 thread: " + s + ", " + n + " servers",
                            String.format(Locale.ROOT, "%.1f → %.1f ns (%.2f×)", one.score(), two.score(), ratio),
                            ratio <= 1.3);
                }
            }
        }
        for (Result r : results) {
            if (!r.benchmark().equals("PoolBenchmark.acquireAndSucceed")) {
                continue;
            }
            Result rr = find(r.threads(), "SpringCloudBenchmark.choose", "loadBalancer", "roundrobin", r.param("servers"));
            Result random = find(r.threads(), "SpringCloudBenchmark.choose", "loadBalancer", "random", r.param("servers"));
            if (rr == null || random == null) {
                continue;
            }
            double spring = Math.min(rr.score(), random.score());
            verdict("faster than Spring's choose(): " + r.param("strategy") + ", " + r.param("servers") + " servers, "
                            + r.threads() + " thread" + (r.threads() == 1 ? "" : "s"),
                    String.format(Locale.ROOT, "%.1f vs %.1f ns", r.score(), spring), r.score() < spring);
        }
        for (Result r : results) {
            if (r.benchmark().equals("PickerBenchmark.pick")) {
                verdict("Picker.pick 0 B/op: " + r.param("strategy") + ", " + r.param("servers") + " servers, "
                        + r.threads() + "t", String.format(Locale.ROOT, "%.2f B/op", r.bytesPerOp()), r.bytesPerOp() < 1);
            }
        }
    }

    private void verdict(String target, String measured, boolean met) {
        verdicts.add("| " + target + " | " + measured + " | " + (met ? "met" : "**missed**") + " |");
    }

    private Result byLabel(String label, int threads, String servers) {
        for (Result r : results) {
            if (r.threads() == threads && r.param("servers").equals(servers) && label(r).equals(label)) {
                return r;
            }
        }
        return null;
    }

    private static String label(Result r) {
        String b = r.benchmark();
        if (b.startsWith("PoolBenchmark")) {
            return "lb4j pool acquire+success " + r.param("strategy");
        }
        if (b.startsWith("PoolMetricsBenchmark")) {
            return "lb4j pool acquire+success " + r.param("strategy") + ", metrics " + r.param("metrics");
        }
        if (b.startsWith("PickerBenchmark")) {
            return "lb4j Picker.pick " + r.param("strategy");
        }
        if (b.startsWith("SpringCloudBenchmark")) {
            return "Spring Cloud " + r.param("loadBalancer") + " choose()";
        }
        if (b.startsWith("GrpcBenchmark")) {
            return "gRPC round_robin picker";
        }
        if (b.equals("BaselineBenchmark.atomicModulo")) {
            return "AtomicInteger modulo (baseline)";
        }
        if (b.equals("BaselineBenchmark.nanoTime")) {
            return "System.nanoTime() (one clock read)";
        }
        return b + " " + r.params();
    }

    private static String ns(Result r) {
        return r == null ? "" : String.format(Locale.ROOT, "%.1f", r.score());
    }

    private static String bytes(Result r) {
        return r == null || Double.isNaN(r.bytesPerOp()) ? "" : String.format(Locale.ROOT, "%.0f", r.bytesPerOp());
    }
}
