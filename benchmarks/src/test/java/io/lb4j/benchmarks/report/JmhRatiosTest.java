package io.lb4j.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JmhRatiosTest {

    private static String row(String bench, String params, double score, double bytes) {
        return "{\"benchmark\":\"io.lb4j.benchmarks.jmh." + bench + "\",\"mode\":\"avgt\",\"threads\":1,\"forks\":1,"
                + "\"params\":{" + params + "},"
                + "\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":\"NaN\",\"scoreUnit\":\"ns/op\"},"
                + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":" + bytes + ",\"scoreUnit\":\"B/op\"}}}";
    }

    private static String sample() {
        StringBuilder b = new StringBuilder("[");
        int[] n = {10, 100, 1000};
        for (int k = 0; k < 3; k++) {
            String s = "\"servers\":\"" + n[k] + "\"";
            b.append(row("BaselineBenchmark.atomicModulo", s, 4.0, 0.0001)).append(',');
            b.append(row("PickerBenchmark.pick", "\"strategy\":\"rr\"," + s, 5.0, 0.0)).append(',');
            b.append(row("DubboBenchmark.select", "\"loadBalance\":\"roundrobin\"," + s, 1000.0 * n[k], 100)).append(',');
        }
        b.setLength(b.length() - 1);
        return b.append(']').toString();
    }

    private static String render(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JmhRatios(JmhRatios.read(json)).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void readsJmhJson() {
        List<JmhRatios.Result> results = JmhRatios.read(sample());
        assertThat(results).hasSize(9);
        assertThat(results.get(1).benchmark()).isEqualTo("PickerBenchmark.pick");
        assertThat(results.get(1).param("strategy")).isEqualTo("rr");
        assertThat(results.get(1).score()).isEqualTo(5.0);
        assertThat(results.get(2).bytesPerOp()).isEqualTo(100.0);
    }

    @Test
    void computesRatiosToTheBaselineAndToDubbo() {
        String md = render(sample());
        assertThat(md).contains("| rr | 5.00 (1.25×) | 5.00 (1.25×) | 5.00 (1.25×) | 1.00× | 0 |");
        // Dubbo 10,000 ns at 10 servers / 5 ns = 2,000×; 1,000,000 / 5 = 200,000×
        assertThat(md).contains("| rr | roundrobin | 2,000× (–×) | 20,000× (–×) | 200,000× (–×) |");
    }

    @Test
    void judgesTargets() {
        String md = render(sample());
        assertThat(md).contains("| rr within 1.5× baseline at 1000, 1t | 1.25× | met |");
        assertThat(md).contains("| 0 B/op: rr Picker.pick, 1t | 0.00 B/op | met |");
        String slow = render(sample().replace("\"score\":5.0", "\"score\":7.0"));
        assertThat(slow).contains("| rr within 1.5× baseline at 10, 1t | 1.75× | **missed** |");
    }

    @Test
    void targetsWithoutMeasurementsAreNotMeasuredRatherThanMissed() {
        String md = render(sample().replace("\"servers\":\"100\"", "\"servers\":\"200\""));
        assertThat(md).contains("| rr ≥10× faster than Dubbo roundrobin at 100, 1t | – | not measured |");
    }

    @Test
    void allocatingPickerMissesTheZeroBytesTarget() {
        String md = render(sample().replace("\"score\":0.0,", "\"score\":24.0,"));
        assertThat(md).contains("| 0 B/op: rr Picker.pick, 1t | 24.00 B/op | **missed** |");
    }

    @Test
    void reportsJsonSyntaxErrorsWithTheOffset() {
        assertThatThrownBy(() -> Json.parse("[1, }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 4");
    }
}
