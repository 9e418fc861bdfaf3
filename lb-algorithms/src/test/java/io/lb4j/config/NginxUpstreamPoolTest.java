package io.lb4j.config;

import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The ops team's nginx upstream block becomes a working pool. */
class NginxUpstreamPoolTest {
    private static final String BLOCK = String.join("\n",
            "upstream backend {",
            "    least_conn;",
            "    server 127.0.0.1:9090 down;",
            "    server 127.0.0.1:8080 weight=2 max_fails=3 fail_timeout=30s;",
            "    server 127.0.0.1:6060 slow_start=10s;",
            "    server 127.0.0.1:7070 backup;",
            "}");

    @Test
    void blockBecomesAPoolWithDownServersDownAndBackupsInReserve() {
        ManualTicker ticker = new ManualTicker();
        LoadBalancingPool pool = NginxUpstream.parse(BLOCK).toPoolBuilder().ticker(ticker).build();
        assertThat(pool.name()).isEqualTo("backend");
        assertThat(pool.strategy().name()).isEqualTo("weighted-least-connections");
        assertThat(pool.state("127.0.0.1:9090")).isEqualTo(HealthState.DOWN);
        Set<String> picked = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            Lease l = pool.acquire();
            picked.add(l.server().id());
            l.success(1000);
        }
        assertThat(picked).containsExactlyInAnyOrder("127.0.0.1:8080", "127.0.0.1:6060");
    }

    @Test
    void perServerMaxFailsAndFailTimeoutApply() {
        ManualTicker ticker = new ManualTicker();
        LoadBalancingPool pool = NginxUpstream.parse(BLOCK).toPoolBuilder().ticker(ticker).build();
        pool.markDown("127.0.0.1:6060");
        for (int i = 0; i < 2; i++) {
            pool.acquire().failure(new IOException("refused"));
        }
        assertThat(pool.state("127.0.0.1:8080")).isEqualTo(HealthState.UP); // max_fails=3
        pool.acquire().failure(new IOException("refused"));
        assertThat(pool.state("127.0.0.1:8080")).isEqualTo(HealthState.EJECTED);
        assertThat(pool.acquire().server().id()).isEqualTo("127.0.0.1:7070"); // the backup takes over
        ticker.advance(Duration.ofSeconds(30));
        assertThat(pool.acquire().server().id()).isEqualTo("127.0.0.1:8080"); // fail_timeout=30s elapsed
    }
}
