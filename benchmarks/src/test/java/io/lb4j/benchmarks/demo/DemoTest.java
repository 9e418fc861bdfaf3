package io.lb4j.benchmarks.demo;

import io.lb4j.benchmarks.StrategyCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTest {

    @Test
    void shortRunSendsRealTrafficAndPrintsTheTableAndChart(@TempDir Path dir) throws Exception {
        Path chart = dir.resolve("demo.png");
        String strategy = StrategyCatalog.names().get(0);
        DemoOptions o = new DemoOptions(List.of(strategy), 3, 1.0, 2, 2, 2, chart, false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Demo.Outcome> outcomes = Demo.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(outcomes).hasSize(1);
        Demo.Outcome r = outcomes.get(0);
        assertThat(r.requests()).isPositive();
        assertThat(r.latencyMicros().getTotalCount()).isPositive();
        assertThat(r.picks().keySet()).containsExactly("b0", "b1", "b2");
        assertThat(out).contains("| strategy | requests | req/s | p50 ms | p99 ms | p99.9 ms | failed tries (before retries) "
                + "| errors (after retries) | retried |");
        // every retry follows a failed try, and the meters count every try
        assertThat(r.failedTries()).isBetween(r.tries() - r.requests(), r.tries());
        assertThat(r.meters()).startsWith("lb4j.requests success=");
        assertThat(out).contains("Micrometer meters per pool").contains("demo-" + strategy + ": lb4j.requests success=");
        assertThat(out).contains("| " + strategy + " |");
        assertThat(Files.size(chart)).isPositive();
    }

    @Test
    void withAServersFileThePoolFollowsTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("servers.txt");
        String strategy = StrategyCatalog.names().get(0);
        DemoOptions o = new DemoOptions(List.of(strategy), 3, 1.0, 2, 2, 2, dir.resolve("demo.png"), false, file);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Demo.Outcome> outcomes = Demo.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(Files.readAllLines(file)).filteredOn(l -> !l.startsWith("#")).hasSize(3);
        assertThat(out).contains("servers file: " + file.toAbsolutePath());
        assertThat(out).contains("APPLIED (3 servers");
        assertThat(outcomes.get(0).picks().keySet()).containsExactly("b0", "b1", "b2");
        assertThat(outcomes.get(0).requests()).isPositive();
    }

    @Test
    void backendServesAndFailsOnDemand() throws Exception {
        try (Backend b = Backend.start("t", "test", 1, 0.1)) {
            okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
            okhttp3.Request req = new okhttp3.Request.Builder().url(b.url()).build();
            try (okhttp3.Response ok = client.newCall(req).execute()) {
                assertThat(ok.code()).isEqualTo(200);
                assertThat(ok.body().string()).isEqualTo("ok from t\n");
            }
            b.failing(true);
            try (okhttp3.Response failing = client.newCall(req).execute()) {
                assertThat(failing.code()).isEqualTo(503);
            }
            client.connectionPool().evictAll();
        }
    }
}
