package io.lb4j.okhttp;

import io.lb4j.algorithms.Randoms;
import io.lb4j.algorithms.ReportedLoadConfig;
import io.lb4j.algorithms.ReportedLoadRoundRobin;
import io.lb4j.api.LoadReport;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Real servers on loopback that report their load in the {@code endpoint-load-metrics} header. */
class LoadReportsOverHttpTest extends InterceptorTestBase {
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    private static final RouteOptions READ = RouteOptions.custom().readLoadReports(true).build();

    private static io.lb4j.api.Endpoint endpoint(LoadBalancingPool pool, String id) {
        return pool.eligible().stream().filter(e -> e.server().id().equals(id)).findFirst().orElseThrow();
    }

    private static void reports(Backend b, String header) {
        b.handler = r -> Reply.status(200).body(b.name).header("endpoint-load-metrics", header)
                .build();
    }

    @Test
    void aReportingServersLoadIsKeptOnItsEndpoint() {
        Backend a = backend("a");
        reports(a, "TEXT cpu_utilization=0.3, rps_fractional=10.0, eps=1");
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("svc", pool, READ).build(), dns).build();

        assertThat(call(client, get("http://svc/x"))).isEqualTo("200 a");

        LoadReport r = endpoint(pool, "a").loadReport();
        assertThat(r).isEqualTo(LoadReport.custom().cpuUtilization(0.3).rps(10).eps(1).build());
    }

    @Test
    void theJsonFormIsReadToo() {
        Backend a = backend("a");
        reports(a, "JSON {\"cpu_utilization\": 0.5, \"rpsFractional\": 20, \"utilization\": {\"gpu\": 0.25}}");
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("svc", pool, READ).build(), dns).build();

        assertThat(call(client, get("http://svc/x"))).isEqualTo("200 a");

        assertThat(endpoint(pool, "a").loadReport()).isEqualTo(LoadReport.custom().cpuUtilization(0.5).rps(20)
                .utilization("gpu", 0.25).build());
    }

    @Test
    void withoutOptInTheHeaderIsNotRead() {
        Backend a = backend("a");
        reports(a, "TEXT cpu_utilization=0.3, rps_fractional=10.0");
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("svc", pool).build(), dns).build();

        assertThat(call(client, get("http://svc/x"))).isEqualTo("200 a");
        assertThat(endpoint(pool, "a").loadReport()).isNull();
    }

    @Test
    void anInvalidHeaderIsIgnoredAndCountedAndTheCallSucceeds() {
        Backend a = backend("a");
        reports(a, "TEXT cpu_utilization=-1");
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("svc", pool, READ).build();
        OkHttpClient client = Fixtures.client(lb, dns).build();

        assertThat(call(client, get("http://svc/x"))).isEqualTo("200 a");
        assertThat(call(client, get("http://svc/x"))).isEqualTo("200 a");

        assertThat(lb.rejectedLoadReports()).isEqualTo(2);
        assertThat(endpoint(pool, "a").loadReport()).isNull();
        assertThat(pool.stats("a").successes()).isEqualTo(2);
    }

    @Test
    void theReportedLoadStrategySendsMoreToTheServerThatReportsMoreCapacity() {
        Backend small = backend("small");
        Backend big = backend("big");
        reports(small, "TEXT cpu_utilization=0.8, rps_fractional=100"); // weight 125
        reports(big, "TEXT cpu_utilization=0.2, rps_fractional=100");   // weight 500
        LoadBalancingPool pool = pool("svc", new ReportedLoadRoundRobin(ReportedLoadConfig.ofDefaults(), ticker,
                Randoms.seeded(1)), NO_PASSIVE, List.of(small, big));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("svc", pool, READ).build(), dns).build();
        for (int second = 0; second <= 11; second++) { // 12 s of reports at 16 requests per second: past the blackout
            for (int i = 0; i < 16; i++) {
                call(client, get("http://svc/x"));
            }
            ticker.advance(Duration.ofSeconds(1));
        }
        int before = big.hits.get();
        for (int i = 0; i < 200; i++) {
            call(client, get("http://svc/x"));
        }
        double share = (big.hits.get() - before) / 200.0;
        assertThat(share).isCloseTo(0.8, within(0.05));
    }
}
