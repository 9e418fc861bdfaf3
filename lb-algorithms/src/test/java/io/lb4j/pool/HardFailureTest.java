package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.config.NginxUpstream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.pool.PoolFixture.backup;
import static io.lb4j.pool.PoolFixture.pickCounts;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hard failures (cannot connect) are out whatever the max-ejection cap; outliers are capped. */
class HardFailureTest {
    private final ManualTicker ticker = new ManualTicker();

    /** Fails every call that lands on one of {@code dead} with {@code cause}; returns the failures callers saw. */
    private static int traffic(LoadBalancingPool pool, int calls, Exception cause, String... dead) {
        int failed = 0;
        List<String> deadIds = List.of(dead);
        for (int i = 0; i < calls; i++) {
            Lease lease = pool.acquire();
            if (deadIds.contains(lease.server().id())) {
                lease.failure(cause);
                failed++;
            } else {
                lease.success(1_000_000L);
            }
        }
        return failed;
    }

    @Test
    void twoOfThreeRefusingConnectionsAreBothOutWithTheDefaultCap() {
        LoadBalancingPool pool = PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b"), server("c")).build();
        int failed = traffic(pool, 300, new ConnectException("Connection refused"), "a", "b");
        assertThat(failed).isEqualTo(2); // each dead server's first failure only
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pool.state("b")).isEqualTo(HealthState.EJECTED);
        assertThat(pickCounts(pool, 10)).containsOnlyKeys("c");
    }

    @Test
    void aConnectFailureWrappedInAnotherExceptionIsStillHard() {
        LoadBalancingPool pool = PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b"), server("c")).build();
        traffic(pool, 10, new IOException("call failed", new ConnectException("refused")), "a");
        traffic(pool, 10, new SQLException("Could not connect", "08001"), "b");
        assertThat(pool.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(pool.state("b")).isEqualTo(HealthState.EJECTED);
        pool.acquire().failure(new ConnectException("refused"));
        assertThatThrownBy(pool::acquire).isInstanceOf(NoAvailableServerException.class)
                .hasMessageContaining("all 3 servers are ejected");
    }

    @Test
    void outliersThatAnswerWithErrorsStayCapped() {
        LoadBalancingPool pool = PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b"), server("c")).build();
        traffic(pool, 30, new IOException("HTTP 500"), "a", "b");
        long ejected = pool.stats().stream().filter(s -> s.state() == HealthState.EJECTED).count();
        assertThat(ejected).isEqualTo(1); // 50% of 3 in play
    }

    @Test
    void theBackupAnswersWhenBothPrimariesRefuseConnections() {
        LoadBalancingPool pool = PoolFixture.pool(ticker, PoolConfig.ofDefaults(),
                server("a", 2), server("b"), backup("d")).build();
        int failed = traffic(pool, 100, new ConnectException("refused"), "a", "b");
        assertThat(failed).isEqualTo(2);
        assertThat(pickCounts(pool, 5)).containsOnlyKeys("d");
    }

    @Test
    void anNginxPoolHasNoCapSoItsBackupAnswersWhenBothPrimariesFailWithErrors() {
        LoadBalancingPool pool = NginxUpstream.parse(
                "upstream u { server 127.0.0.1:1 weight=2; server 127.0.0.1:2; server 127.0.0.1:4 backup; }")
                .toPoolBuilder().ticker(ticker).scheduleHealthChecks(false).build();
        assertThat(pool.config().maxEjectionPercent()).isEqualTo(100);
        int failed = traffic(pool, 100, new IOException("HTTP 502"), "127.0.0.1:1", "127.0.0.1:2");
        assertThat(failed).isEqualTo(2);
        assertThat(pickCounts(pool, 5)).containsOnlyKeys("127.0.0.1:4");
    }

    @Test
    void theEjectionEventSaysWhy() {
        LoadBalancingPool pool = PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("a"), server("b")).build();
        List<HealthEvent> events = new ArrayList<>();
        pool.addListener(events::add);
        traffic(pool, 4, new ConnectException("Connection refused"), "a");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.current()).isEqualTo(HealthState.EJECTED);
            assertThat(e.reason()).startsWith("1 failure within PT10S (max_fails=1)").contains("Connection refused");
        });
    }
}
