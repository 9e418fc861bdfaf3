package io.lb4j.okhttp;

import io.lb4j.algorithms.ReportedLoadConfig;
import io.lb4j.algorithms.ReportedLoadRoundRobin;
import io.lb4j.api.LoadReport;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.okhttp.Settled.outcome;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzed {@code endpoint-load-metrics} headers (seeded): the parser only ever rejects with an
 * IllegalArgumentException and accepts only finite in-range values; over real servers a hostile header is
 * never thrown to the caller, is counted as rejected, and cannot poison the reported-load strategy.
 */
class LoadMetricsFuzzTest extends InterceptorTestBase {
    private static final long SEED = 20261129L;
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    private static final String[] KEYS = {"cpu_utilization", "application_utilization", "mem_utilization",
            "rps_fractional", "eps", "named_metrics.q", "utilization.gpu", "request_cost.db", "cpuUtilization",
            "named_metrics.", "utilization.a b", "CPU_UTILIZATION", "", "named_metrics.x=1"};
    private static final String[] NUMBERS = {"0", "0.3", "1", "1e-300", "4.9e-324", "1e15", "1e16", "1e308", "1e309",
            "NaN", "Infinity", "-Infinity", "-1", "-0", "+1", "0x10", "1_000", "1.", ".5", "1e", "١", "9".repeat(400),
            "0.000000000000000000000000000001", ""};

    /** One seeded header value: mostly near-valid TEXT or JSON, sometimes plain junk. */
    static String header(Random r) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            StringBuilder junk = new StringBuilder();
            for (int i = r.nextInt(60); i > 0; i--) {
                junk.append((char) (0x20 + r.nextInt(0x5f))); // printable ASCII: what a header can carry
            }
            return junk.toString();
        }
        int pairs = kind == 1 ? (r.nextInt(50) == 0 ? 10_000 : 65) : 1 + r.nextInt(6);
        boolean json = kind >= 7;
        StringBuilder sb = new StringBuilder(json ? "JSON {" : "TEXT ");
        for (int i = 0; i < pairs; i++) {
            if (i > 0) {
                sb.append(r.nextInt(8) == 0 ? ",," : ", ");
            }
            String key = kind == 1 ? "named_metrics.k" + i : KEYS[r.nextInt(KEYS.length)];
            String number = NUMBERS[r.nextInt(NUMBERS.length)];
            sb.append(json ? "\"" + key + "\": " + number : key + "=" + number);
        }
        return sb.append(json ? "}" : "").toString();
    }

    @Test
    void seededHeadersAreRejectedOnlyWithIllegalArgumentExceptionAndAcceptedOnlyWithFiniteValues() {
        Random random = new Random(SEED);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            String value = header(random);
            LoadReport report;
            try {
                report = LoadMetricsHeader.parse(value);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain(value.length() > 8 ? value : "\u0000");
                continue;
            }
            accepted++;
            assertThat(List.of(report.cpuUtilization(), report.applicationUtilization(), report.memUtilization(),
                    report.rps(), report.eps())).allSatisfy(v -> assertThat(v + 0.0).isFinite() // -0 is JSON's 0
                    .isBetween(0.0, LoadReport.MAX_VALUE));
            assertThat(report.namedMetrics().values()).allSatisfy(v -> assertThat(v).isFinite());
            assertThat(report.utilizations().values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
        }
        assertThat(accepted).as("some seeded headers are valid, so acceptance is exercised").isPositive();
    }

    @Test
    void duplicateAndTenThousandKeysAreRejectedAndCounted() {
        LoadMetricsHeader reader = new LoadMetricsHeader();
        StringBuilder many = new StringBuilder("TEXT named_metrics.k0=1");
        for (int i = 1; i < 10_000; i++) {
            many.append(", named_metrics.k").append(i).append("=1");
        }
        assertThat(reader.read("TEXT cpu_utilization=0.1, cpu_utilization=0.9")).isNull();
        assertThat(reader.read("JSON {\"cpu_utilization\": 0.1, \"cpuUtilization\": 0.9}")).isNull();
        assertThat(reader.read(many.toString())).isNull();
        assertThat(reader.read("TEXT cpu_utilization=NaN")).isNull();
        assertThat(reader.read("JSON {\"rps_fractional\": 1e400}")).isNull();
        assertThat(reader.rejected()).isEqualTo(5);
    }

    @Test
    void seededHostileHeadersOverHttpAreNeverThrownToTheCallerAndAreCounted() throws Exception {
        Random random = new Random(SEED + 1);
        List<String> values = new ArrayList<>();
        int invalid = 0;
        for (int i = 0; i < 120; i++) {
            String v = header(random);
            if (v.length() > 8_000 || !v.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                continue; // not what a header line carries (non-ASCII, 10,000 keys): the parser tests cover them
            }
            values.add(v);
            try {
                LoadMetricsHeader.parse(v);
            } catch (IllegalArgumentException e) {
                invalid++;
            }
        }
        AtomicInteger next = new AtomicInteger();
        List<Backend> backends = backends("a", "b");
        for (Backend b : backends) {
            b.handler = r -> Reply.status(200).body(b.name)
                    .header(LoadMetricsHeader.NAME, values.get(next.getAndIncrement() % values.size())).build();
        }
        LoadBalancingPool pool = pool("svc", new ReportedLoadRoundRobin(ReportedLoadConfig.custom()
                .blackoutPeriod(Duration.ZERO).build(), ticker, new Random(SEED)), NO_PASSIVE, backends);
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().readLoadReports(true).build()).build();
        OkHttpClient client = Fixtures.client(lb, dns).build();

        for (int i = 0; i < values.size(); i++) {
            assertThat(outcome(client, Fixtures.get("http://svc/x"))).isIn("200 a", "200 b");
            ticker.advance(Duration.ofMillis(200)); // the strategy recomputes its weights every second
        }

        assertThat(lb.rejectedLoadReports()).isEqualTo(invalid);
        Settled.leasesComplete(pool);
    }

    @Test
    void aReportWhoseWeightOverflowsDoesNotFlattenTheReportedWeights() {
        // A58 weight = rps / utilization: 1e15 / 1e-300 is not a finite number. A finite (clamped) weight
        // keeps the schedule weighted (the overclaiming server gets at most 10x the mean, about 94% here);
        // an infinite one made every scaled weight equal (a third each, 33 of 100), whatever the others reported.
        List<Backend> backends = backends("a", "b", "c");
        Map<String, String> reports = Map.of("a", "TEXT cpu_utilization=1e-300, rps_fractional=1e15",
                "b", "TEXT cpu_utilization=0.5, rps_fractional=100", "c", "TEXT cpu_utilization=0.5, rps_fractional=100");
        for (Backend b : backends) {
            b.handler = r -> Reply.status(200).body(b.name).header(LoadMetricsHeader.NAME, reports.get(b.name)).build();
        }
        LoadBalancingPool pool = pool("svc", new ReportedLoadRoundRobin(ReportedLoadConfig.custom()
                .blackoutPeriod(Duration.ZERO).build(), ticker, new Random(SEED)), NO_PASSIVE, backends);
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().readLoadReports(true).build()).build();
        OkHttpClient client = Fixtures.client(lb, dns).build();
        for (int i = 0; i < 9; i++) {
            outcome(client, Fixtures.get("http://svc/warm-up")); // every server reports at least once
        }
        assertThat(lb.rejectedLoadReports()).isZero();
        ticker.advance(Duration.ofSeconds(2)); // past the weight update period: the next picks use the reports
        backends.forEach(b -> b.hits.set(0));

        for (int i = 0; i < 100; i++) {
            outcome(client, Fixtures.get("http://svc/x"));
        }

        assertThat(backends.get(0).hits.get()).as("share of the server whose weight overflowed").isGreaterThan(75);
    }
}
