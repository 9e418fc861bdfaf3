package io.lb4j.pool;

import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static io.lb4j.pool.PoolFixture.backup;
import static io.lb4j.pool.PoolFixture.pool;
import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * nginx goes on to the {@code backup} servers within one request once it has tried every primary
 * ({@code ngx_http_upstream_get_round_robin_peer}): a retry whose pick context excludes every eligible
 * primary gets an UP backup, even while those primaries are still UP (e.g. under {@code max_fails=3} after one
 * refused connection each).
 */
class BackupFallThroughTest {
    private final ManualTicker ticker = new ManualTicker();
    private final PoolConfig noPassive = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();

    @Test
    void aPickExcludingEveryUpPrimaryGetsTheBackup() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b"), backup("bk")).build();

        Lease lease = p.acquire(PickContext.none().excluding(List.of("a", "b")));

        assertThat(lease.server().id()).isEqualTo("bk");
        assertThat(p.stats("bk").inFlight()).isEqualTo(1);
        lease.success();
        assertThat(p.stats("bk").inFlight()).isZero();
        assertThat(p.state("a")).isEqualTo(HealthState.UP);
    }

    @Test
    void theLeastLoadedBackupNotYetTriedIsTaken() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), backup("bk1"), backup("bk2")).build();
        Lease busy = p.acquire(PickContext.none().excluding(List.of("a")));
        String first = busy.server().id();

        Lease next = p.acquire(PickContext.none().excluding(List.of("a")));
        Lease last = p.acquire(PickContext.none().excluding(List.of("a", "bk1")));

        assertThat(next.server().id()).isNotEqualTo(first).isIn("bk1", "bk2");
        assertThat(last.server().id()).isEqualTo("bk2");
        busy.success();
        next.success();
        last.success();
    }

    @Test
    void plainPicksStillNeverGoToTheBackupWhileAPrimaryIsUp() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b"), backup("bk")).build();

        assertThat(PoolFixture.pickCounts(p, 20)).containsOnlyKeys("a", "b");
        assertThat(p.acquire(PickContext.none().excluding(List.of("a"))).server().id()).isEqualTo("b");
    }

    @Test
    void excludingPrimariesAndBackupsFailsWithAllExcluded() {
        LoadBalancingPool p = pool(ticker, noPassive, server("a"), server("b"), backup("bk")).build();

        assertThatThrownBy(() -> p.acquire(PickContext.none().excluding(List.of("a", "b", "bk"))))
                .isInstanceOf(NoAvailableServerException.class)
                .hasMessageContaining("all 3 available servers were excluded")
                .extracting(e -> ((NoAvailableServerException) e).reason())
                .isEqualTo(NoAvailableServerException.Reason.ALL_EXCLUDED);
    }

    @Test
    void anEjectedBackupIsNoFallback() {
        PoolConfig nginx = PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10)))
                .maxEjectionPercent(100).build();
        LoadBalancingPool p = pool(ticker, nginx, server("a"), server("b"), backup("bk")).build();
        // eject the backup: fail it while it serves alone
        p.markDown("a");
        p.markDown("b");
        p.acquire().failure(new IOException("boom"));
        p.markUp("a");
        p.markUp("b");

        assertThat(p.state("bk")).isEqualTo(HealthState.EJECTED);
        assertThatThrownBy(() -> p.acquire(PickContext.none().excluding(List.of("a", "b"))))
                .isInstanceOf(NoAvailableServerException.class)
                .extracting(e -> ((NoAvailableServerException) e).reason())
                .isEqualTo(NoAvailableServerException.Reason.ALL_EXCLUDED);
    }

    @Test
    void eligibilityOffersTheUpBackupsAsFallbackOnlyWhilePrimariesServe() {
        Eligibility.Facts up = new Eligibility.Facts(false, false, false, false, false, 0, false, false);
        Eligibility.Facts hard = new Eligibility.Facts(false, false, false, true, false, 0, false, false);
        Eligibility.Facts bk = new Eligibility.Facts(false, false, false, false, false, 0, true, false);
        Eligibility.Facts downBk = new Eligibility.Facts(true, false, false, false, false, 0, true, false);

        assertThat(Eligibility.decide(List.of(up, up, bk, downBk), 50, 0).fallback()).containsExactly(2);
        assertThat(Eligibility.decide(List.of(hard, hard, bk), 50, 0).eligible()).containsExactly(2);
        assertThat(Eligibility.decide(List.of(hard, hard, bk), 50, 0).fallback()).isEmpty();
    }
}
