package io.lb4j.okhttp;

import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpHealthCheckTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final Backend backend = new Backend("a");

    @AfterEach
    void close() {
        backend.close();
    }

    private HealthCheckResult probe(HttpHealthCheck check) {
        return check.check(backend.server(), TIMEOUT);
    }

    @Test
    void serverAnswering200IsHealthy() {
        HealthCheckResult r = probe(HttpHealthCheck.custom().path("/health").build());
        assertThat(r.healthy()).isTrue();
        assertThat(r.detail()).isEqualTo("HTTP 200");
    }

    @Test
    void serverAnswering503IsUnhealthyWithTheStatusInTheDetail() {
        backend.healthStatus = 503;
        HealthCheckResult r = probe(HttpHealthCheck.custom().path("/health").build());
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).startsWith("HTTP 503 from GET http://127.0.0.1:" + backend.port() + "/health")
                .endsWith("expected 200-399");
    }

    @Test
    void defaultProbeIsGetOfTheRootPath() {
        assertThat(probe(HttpHealthCheck.ofDefaults()).healthy()).isTrue();
        assertThat(backend.lastRequest().method()).isEqualTo("GET");
        assertThat(backend.lastRequest().target()).isEqualTo("/");
    }

    @Test
    void expectedStatusRangeIsHonoured() {
        backend.handler = r -> Reply.status(204).build(); // 204 has no body
        assertThat(probe(HttpHealthCheck.custom().path("/ping").expectStatus(204, 204).build()).healthy()).isTrue();
        assertThat(probe(HttpHealthCheck.custom().path("/ping").expectStatus(200, 200).build()).healthy()).isFalse();
    }

    @Test
    void bodyMustContainTheExpectedText() {
        backend.handler = r -> Backend.ok("{\"status\":\"UP\"}");
        assertThat(probe(HttpHealthCheck.custom().path("/ready").expectBodyContains("\"UP\"").build()).healthy()).isTrue();
        HealthCheckResult down = probe(HttpHealthCheck.custom().path("/ready").expectBodyContains("\"DOWN\"").build());
        assertThat(down.healthy()).isFalse();
        assertThat(down.detail()).contains("without '\"DOWN\"'");
    }

    @Test
    void redirectsAreNotFollowed() {
        backend.handler = r -> r.path().equals("/probe")
                ? Reply.status(302).header("Location", "/elsewhere").build()
                : Backend.ok("elsewhere");
        HealthCheckResult r = probe(HttpHealthCheck.custom().path("/probe").expectStatus(200, 299).build());
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).startsWith("HTTP 302");
        assertThat(backend.requests).hasSize(1);
    }

    @Test
    void headProbeSendsHead() {
        assertThat(probe(HttpHealthCheck.custom().method("HEAD").path("/x").build()).healthy()).isTrue();
        assertThat(backend.lastRequest().method()).isEqualTo("HEAD");
    }

    @Test
    void hostHeaderIsSentWhenConfigured() {
        probe(HttpHealthCheck.custom().path("/x").hostHeader("orders").build());
        assertThat(backend.lastRequest().header("Host")).isEqualTo("orders");
    }

    @Test
    void everyProbeOpensAFreshConnection() {
        HttpHealthCheck check = HttpHealthCheck.custom().path("/x").build();
        probe(check);
        probe(check);
        assertThat(backend.requests).extracting(Seen::exchangeIndex).containsExactly(0, 0); // none reused a connection
    }

    @Test
    void refusedConnectionIsUnhealthyNotAnException() {
        Server gone = backend.server();
        backend.close();
        HealthCheckResult r = HttpHealthCheck.ofDefaults().check(gone, TIMEOUT);
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).contains("failed");
    }

    @Test
    void serverThatNeverAnswersIsUnhealthyAfterTheProbeTimeout() {
        backend.handler = r -> Reply.stall();
        // a real 200 ms timeout against a server that never answers: the behaviour under test
        HealthCheckResult r = HttpHealthCheck.custom().path("/x").build().check(backend.server(), Duration.ofMillis(200));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).containsIgnoringCase("timeout");
    }

    @Test
    void badSettingsAreRejectedNamingTheProperty() {
        assertThatThrownBy(() -> HttpHealthCheck.custom().method("POST"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("method must be \"GET\" or \"HEAD\", was 'POST'");
        assertThatThrownBy(() -> HttpHealthCheck.custom().path("health"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("path must start with a single '/'");
        assertThatThrownBy(() -> HttpHealthCheck.custom().expectStatus(400, 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expectStatus min must be <= max, was 400-200");
        assertThatThrownBy(() -> HttpHealthCheck.custom().expectStatus(99, 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expectStatus min must be in [100, 599], was 99");
        assertThatThrownBy(() -> HttpHealthCheck.custom().method("HEAD").expectBodyContains("UP").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expectBodyContains requires method GET");
        assertThatThrownBy(() -> HttpHealthCheck.ofDefaults().check(backend.server(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("timeout must be a positive duration");
        assertThatThrownBy(() -> HttpHealthCheck.ofDefaults().check(null, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("server must not be null");
    }

    @Test
    void pathsThatWouldLeaveTheServerAreRejected() {
        for (String bad : new String[] {"//other/h", "/\\other/h", "/a\\b", "//127.0.0.1:1/h", "/h#frag", "/h\u0000"}) {
            assertThatThrownBy(() -> HttpHealthCheck.custom().path(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("path must start with a single '/'")
                    .hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> HttpHealthCheck.custom().path("http://other/h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http://other/h'");
    }

    @Test
    void pathAndQueryAreSentToTheProbedServerAsGiven() {
        assertThat(probe(HttpHealthCheck.custom().path("/status/ready?full=1&x=%2F").build()).healthy()).isTrue();
        assertThat(backend.lastRequest().target()).isEqualTo("/status/ready?full=1&x=%2F");
        assertThat(probe(HttpHealthCheck.custom().path("/a/http://other/h").build()).healthy()).isTrue();
        assertThat(backend.lastRequest().target()).isEqualTo("/a/http://other/h");
        assertThat(backend.requests).hasSize(2);
    }

    @Test
    void hostHeaderMustBeVisibleAscii() {
        for (String bad : new String[] {"caf\u00e9.example", "a b", "a\tb", "", "a\u007f"}) {
            assertThatThrownBy(() -> HttpHealthCheck.custom().hostHeader(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("hostHeader must be non-empty visible ASCII")
                    .hasMessageContaining("'" + bad + "'");
        }
        HttpHealthCheck idn = HttpHealthCheck.custom().path("/x").hostHeader("xn--caf-dma.example:8080").build();
        assertThat(probe(idn).healthy()).isTrue();
        assertThat(backend.lastRequest().header("Host")).isEqualTo("xn--caf-dma.example:8080");
    }

    @Test
    void probesNeverUseTheBaseClientsCache(@org.junit.jupiter.api.io.TempDir java.io.File dir) throws Exception {
        java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(200);
        backend.handler = r -> Reply.status(status.get()).header("Cache-Control", "max-age=3600")
                .body("status " + status.get()).build();
        try (okhttp3.Cache cache = new okhttp3.Cache(dir, 1024 * 1024)) {
            HttpHealthCheck check = HttpHealthCheck.custom().path("/cached")
                    .client(new okhttp3.OkHttpClient.Builder().cache(cache).build()).build();

            assertThat(probe(check).healthy()).isTrue();
            status.set(503);
            HealthCheckResult second = probe(check);

            assertThat(second.healthy()).isFalse();
            assertThat(second.detail()).startsWith("HTTP 503");
            assertThat(backend.requests).hasSize(2);
            assertThat(cache.requestCount()).isZero();
        }
    }

    @Test
    void hugeTimeoutIsClampedNotAnArithmeticException() {
        HttpHealthCheck check = HttpHealthCheck.custom().path("/x").build();
        assertThat(check.check(backend.server(), Duration.ofSeconds(Long.MAX_VALUE)).healthy()).isTrue();
        assertThat(check.check(backend.server(), Duration.ofMillis(Integer.MAX_VALUE + 1L)).healthy()).isTrue();
        assertThat(check.check(backend.server(), Duration.ofNanos(1)).healthy()).isIn(true, false); // 1 ms at least
    }

    @Test
    void emptyExpectedBodyIsRejectedShowingTheValue() {
        assertThatThrownBy(() -> HttpHealthCheck.custom().expectBodyContains(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expectBodyContains must not be empty, was ''");
    }
}
