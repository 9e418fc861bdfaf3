package io.lb4j.pool;

import io.lb4j.algorithms.Randoms;
import io.lb4j.algorithms.ReportedLoadConfig;
import io.lb4j.algorithms.ReportedLoadRoundRobin;
import io.lb4j.api.Endpoint;
import io.lb4j.api.Lease;
import io.lb4j.api.LoadReport;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Load reports through the pool: kept per endpoint with their age, and read by the reported-load strategy. */
class ReportedLoadThroughPoolTest {
    private final ManualTicker ticker = new ManualTicker();

    private LoadBalancingPool pool(ReportedLoadRoundRobin strategy) {
        return LoadBalancingPool.builder("orca").ticker(ticker).scheduleHealthChecks(false).strategy(strategy)
                .server(server("a")).server(server("b")).build();
    }

    @Test
    void thePoolKeepsTheLatestReportPerEndpointWithItsAge() {
        LoadBalancingPool pool = pool(new ReportedLoadRoundRobin());
        Lease lease = pool.acquire();
        Endpoint e = lease.endpoint();
        assertThat(e.loadReport()).isNull();
        assertThat(e.loadReportAgeNanos(ticker.read())).isEqualTo(-1);
        LoadReport report = LoadReport.custom().rps(10).cpuUtilization(0.3).build();
        lease.success(5_000, report);
        ticker.advanceMillis(250);
        assertThat(e.loadReport()).isSameAs(report);
        assertThat(e.loadReportAgeNanos(ticker.read())).isEqualTo(Duration.ofMillis(250).toNanos());
    }

    @Test
    void aReportAfterCompletionIsIgnored() {
        LoadBalancingPool pool = pool(new ReportedLoadRoundRobin());
        Lease lease = pool.acquire();
        lease.success();
        lease.report(LoadReport.custom().rps(10).cpuUtilization(0.3).build());
        assertThat(lease.endpoint().loadReport()).isNull();
    }

    @Test
    void aNullReportIsRejectedNamingTheArgument() {
        Lease lease = pool(new ReportedLoadRoundRobin()).acquire();
        assertThatThrownBy(() -> lease.report(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("report");
    }

    @Test
    void trafficFollowsTheServersReportsOnceTheBlackoutIsOver() {
        ReportedLoadRoundRobin strategy = new ReportedLoadRoundRobin(ReportedLoadConfig.ofDefaults(), ticker,
                Randoms.seeded(3));
        LoadBalancingPool pool = pool(strategy);
        // b reports three times a's capacity: the same rps at a third of the utilization
        Map<String, LoadReport> reports = Map.of("a", LoadReport.custom().rps(100).cpuUtilization(0.9).build(),
                "b", LoadReport.custom().rps(100).cpuUtilization(0.3).build());
        run(pool, reports, 12_000); // 12 s at one request per ms: past the 10 s blackout
        Map<String, Integer> counts = run(pool, reports, 20_000);
        assertThat(counts.get("b") / 20_000.0).isCloseTo(0.75, within(0.02));
    }

    private Map<String, Integer> run(LoadBalancingPool pool, Map<String, LoadReport> reports, int requests) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            Lease lease = pool.acquire();
            counts.merge(lease.server().id(), 1, Integer::sum);
            ticker.advanceMillis(1);
            lease.success(1_000_000, reports.get(lease.server().id()));
        }
        return counts;
    }
}
