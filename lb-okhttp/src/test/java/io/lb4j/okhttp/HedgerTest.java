package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link Hedger}'s delay and budget, and a hedged exchange whose first try answers in time. */
class HedgerTest extends InterceptorTestBase {
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    private static final RetryBudgetConfig EMPTY_BUDGET = RetryBudgetConfig.custom().percentCanRetry(0)
            .minRetriesPerSecond(0).build();

    @Test
    void aFixedDelayIsTheHedgeDelay() {
        Hedger hedger = new Hedger("svc", HedgingConfig.custom().delay(Duration.ofMillis(250)).build(),
                new OkHttpClient(), ticker);

        assertThat(hedger.delayNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
    }

    @Test
    void aPercentileDelayIsTheInitialDelayUntilEnoughLatenciesAreRecorded() {
        Hedger hedger = new Hedger("svc", HedgingConfig.custom().percentile(90).initialDelay(Duration.ofMillis(700))
                .build(), new OkHttpClient(), ticker);

        assertThat(hedger.delayNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(700));
        ticker.advance(Duration.ofMinutes(5));
        assertThat(hedger.delayNanos()).as("no latency recorded yet").isEqualTo(TimeUnit.MILLISECONDS.toNanos(700));
    }

    @Test
    void theHedgeBudgetHasTheConfiguredSettingsAndNoTokenWhenItsRatesAreZero() {
        HedgingConfig config = HedgingConfig.custom().delay(Duration.ofMillis(100)).budget(EMPTY_BUDGET).build();
        Hedger hedger = new Hedger("svc", config, new OkHttpClient(), ticker);

        hedger.budget().deposit();

        assertThat(hedger.budget().config()).isSameAs(EMPTY_BUDGET);
        assertThat(hedger.budget().tryWithdraw()).isFalse();
    }

    @Test
    void aFirstTryAnsweringBeforeTheDelayIsNotHedged() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        HedgingConfig config = HedgingConfig.custom().delay(Duration.ofSeconds(10))
                .budget(RetryBudgetConfig.custom().percentCanRetry(1.0).minRetriesPerSecond(0).build()).build();
        OkHttpClient hedgeClient = new OkHttpClient.Builder().dns(dns).build();
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().hedging(config).build()).hedgeCallFactory(hedgeClient).build();

        String result = call(Fixtures.client(lb, dns).build(), get("http://svc/x"));

        assertThat(result).isEqualTo("200 a");
        assertThat(lb.hedgesSent()).isZero();
        assertThat(b.hits.get()).isZero();
        assertThat(pool.stats("a").successes()).isEqualTo(1);
        assertThat(pool.stats("a").inFlight()).isZero();
    }
}
