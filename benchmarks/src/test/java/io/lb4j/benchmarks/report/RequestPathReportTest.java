package io.lb4j.benchmarks.report;

import io.lb4j.benchmarks.report.JmhRatios.Result;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestPathReportTest {

    private static Result pool(String strategy, int threads, double ns, double bytes) {
        return new Result("PoolBenchmark.acquireAndSucceed", Map.of("strategy", strategy, "servers", "100"), threads, ns,
                "ns/op", bytes);
    }

    private static Result spring(String lb, int threads, double ns) {
        return new Result("SpringCloudBenchmark.choose", Map.of("loadBalancer", lb, "servers", "100"), threads, ns,
                "ns/op", 216);
    }

    private static String report(List<Result> results) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new RequestPathReport(results).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void judgesEachTargetAgainstItsThreshold() {
        String out = report(List.of(
                pool("round-robin", 1, 50, 0), pool("round-robin", 2, 64, 0),
                pool("peak-ewma", 1, 81, 0), pool("peak-ewma", 2, 120, 0),
                spring("roundrobin", 1, 80), spring("random", 1, 85), spring("roundrobin", 2, 200), spring("random", 2, 90)));
        assertThat(out).contains("| pool request ≤ 80 ns and 0 B/op: round-robin, 100 servers, 1 thread | 50.0 ns, 0.0 B/op | met |")
                .contains("| pool request ≤ 80 ns and 0 B/op: peak-ewma, 100 servers, 1 thread | 81.0 ns, 0.0 B/op | **missed** |")
                .contains("| 2 threads ≤ 1.3× 1 thread: round-robin, 100 servers | 50.0 → 64.0 ns (1.28×) | met |")
                .contains("| 2 threads ≤ 1.3× 1 thread: peak-ewma, 100 servers | 81.0 → 120.0 ns (1.48×) | **missed** |")
                // against the faster of Spring's two balancers
                .contains("| faster than Spring's choose(): round-robin, 100 servers, 2 threads | 64.0 vs 90.0 ns | met |")
                .contains("| faster than Spring's choose(): peak-ewma, 100 servers, 1 thread | 81.0 vs 80.0 ns | **missed** |")
                .contains("| Spring Cloud random choose() | 100 | 85.0 | 216 | 90.0 | 216 | 1.06× |");
    }

    @Test
    void anAllocatingRequestMissesEvenWhenFast() {
        String out = report(List.of(pool("least-request", 1, 60, 32)));
        assertThat(out).contains("| pool request ≤ 80 ns and 0 B/op: least-request, 100 servers, 1 thread | 60.0 ns, 32.0 B/op | **missed** |");
    }
}
