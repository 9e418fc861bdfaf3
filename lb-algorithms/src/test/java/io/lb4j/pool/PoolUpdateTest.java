package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.lb4j.pool.PoolFixture.pickCounts;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pool.update: the whole membership replaced in one publish. */
class PoolUpdateTest {
    private final ManualTicker ticker = new ManualTicker();
    private final List<HealthEvent> events = new ArrayList<>();

    private LoadBalancingPool pool(PoolConfig cfg, Server... servers) {
        LoadBalancingPool p = PoolFixture.pool(ticker, cfg, servers).build();
        p.addListener(events::add);
        return p;
    }

    @Test
    void unchangedServersKeepCountersAndHealthNewOnesJoinRemovedOnesLeave() {
        LoadBalancingPool p = pool(PoolConfig.ofDefaults(), server("a"), server("b"), server("c"));
        pickCounts(p, 6);
        PoolFixture.failOn(p, "b", 1);
        p.update(List.of(server("a"), server("b"), server("d")));
        assertThat(p.servers()).extracting(Server::id).containsExactly("a", "b", "d");
        assertThat(p.stats("a").picks()).isGreaterThanOrEqualTo(2);
        assertThat(p.state("b")).isEqualTo(HealthState.EJECTED);
        assertThat(p.server("c")).isEmpty();
        assertThat(events).filteredOn(e -> e.kind() != HealthEvent.Kind.STATE_CHANGED)
                .extracting(e -> e.kind() + " " + e.server().id())
                .containsExactly("ADDED d", "REMOVED c");
    }

    @Test
    void aRemovedServerWithRequestsInFlightDrainsThenLeaves() {
        LoadBalancingPool p = pool(PoolConfig.ofDefaults(), server("a"), server("b"));
        Lease onA = null;
        while (onA == null) {
            Lease l = p.acquire();
            if (l.server().id().equals("a")) {
                onA = l;
            } else {
                l.success();
            }
        }
        p.update(List.of(server("b")));
        assertThat(p.state("a")).isEqualTo(HealthState.DRAINING);
        assertThat(pickCounts(p, 5)).containsOnlyKeys("b");
        onA.success();
        assertThat(p.server("a")).isEmpty();
        assertThat(events).extracting(e -> e.kind() + " " + e.server().id() + " " + e.current())
                .containsExactly("STATE_CHANGED a DRAINING", "REMOVED a DRAINING");
    }

    @Test
    void changedWeightsApplyAtOnceAndNewServersRampUp() {
        LoadBalancingPool p = pool(PoolConfig.custom().slowStart(Duration.ofSeconds(10)).build(), server("a", 1));
        p.update(List.of(server("a", 3), server("n", 10)));
        assertThat(p.stats("a").weight()).isEqualTo(3.0);
        assertThat(p.stats("n").weight()).isEqualTo(1.0); // 10% of 10 at the start of its ramp
        ticker.advance(Duration.ofSeconds(10));
        assertThat(p.stats("n").weight()).isEqualTo(10.0);
        assertThat(events).filteredOn(e -> e.kind() == HealthEvent.Kind.WEIGHT_CHANGED).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("weight 1 -> 3"));
    }

    @Test
    void anIdenticalListChangesNothing() {
        LoadBalancingPool p = pool(PoolConfig.ofDefaults(), server("a"), server("b"));
        p.update(List.of(server("a"), server("b")));
        assertThat(events).isEmpty();
    }

    @Test
    void aServerBackBeforeItDrainedIsKept() {
        LoadBalancingPool p = pool(PoolConfig.ofDefaults(), server("a"), server("b"));
        Lease l = p.acquire();
        String id = l.server().id();
        p.update(List.of(server(id.equals("a") ? "b" : "a")));
        assertThat(p.state(id)).isEqualTo(HealthState.DRAINING);
        p.update(List.of(server("a"), server("b")));
        assertThat(p.state(id)).isEqualTo(HealthState.UP);
        l.failure(new IOException("x"));
        assertThat(p.server(id)).isPresent();
    }

    @Test
    void badListsAreRefusedAndChangeNothing() {
        LoadBalancingPool p = pool(PoolConfig.ofDefaults(), server("a"));
        assertThatThrownBy(() -> p.update(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("servers must not be null");
        assertThatThrownBy(() -> p.update(Arrays.asList(server("b"), null)))
                .hasMessage("servers[1] must not be null");
        assertThatThrownBy(() -> p.update(List.of(server("b"), server("b"))))
                .hasMessage("servers must have distinct ids; 'b' appears twice");
        assertThat(p.servers()).extracting(Server::id).containsExactly("a");
    }

    @Test
    void tenThousandServersUpdateInOnePublish() {
        List<Server> big = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            big.add(Server.builder("127.0.0.1", 1 + i % 60_000).id("s" + i).build());
        }
        LoadBalancingPool p = PoolFixture.pool(ticker, PoolConfig.ofDefaults()).build();
        p.update(big);
        assertThat(p.servers()).hasSize(10_000);
        p.update(big.subList(0, 5_000));
        assertThat(p.servers()).hasSize(5_000);
    }

    @Test
    void duplicateIdsInTheBuilderAreRefusedNamingTheId() {
        assertThatThrownBy(() -> PoolFixture.pool(ticker, PoolConfig.ofDefaults(), server("a"), server("a")))
                .hasMessage("pool 'test' already has a server with id 'a'");
    }
}
