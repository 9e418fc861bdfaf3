package io.lb4j.pool;

import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PoolReads}: the pool's read-only views. */
class PoolReadsTest {
    private final ManualTicker ticker = new ManualTicker();
    private final LoadBalancingPool p = pool(ticker, PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build(),
            server("a"), server("b")).build();

    @Test
    void viewsShowTheMembersInPoolOrder() {
        assertThat(p.servers()).extracting(s -> s.id()).containsExactly("a", "b");
        assertThat(p.server("b")).isPresent();
        assertThat(p.server("zz")).isEmpty();
        assertThat(p.stats()).extracting(s -> s.server().id()).containsExactly("a", "b");
        assertThat(p.eligible()).hasSize(2);
        assertThat(p.panicking()).isFalse();
    }

    @Test
    void aMarkedDownServerShowsAsDownAndLeavesTheEligibleSet() {
        p.markDown("a");
        assertThat(p.state("a")).isEqualTo(HealthState.DOWN);
        assertThat(p.eligible()).extracting(e -> e.server().id()).containsExactly("b");
    }

    @Test
    void anUnknownServerIsNamedInTheError() {
        assertThatThrownBy(() -> p.stats("zz")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'zz'");
        assertThatThrownBy(() -> p.state(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverId");
    }
}
