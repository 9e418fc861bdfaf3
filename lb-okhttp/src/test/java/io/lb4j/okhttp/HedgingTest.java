package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hedged requests on real loopback servers. Server {@code a} is always picked first
 * ({@link TestStrategies#first()}); a server that "answers slowly once" holds its first response for
 * 5 s, far beyond the hedge delays used here (100 ms), so the wall clock cannot decide these outcomes.
 */
class HedgingTest extends InterceptorTestBase {
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    private static final HedgingConfig AFTER_100_MS = HedgingConfig.custom().delay(Duration.ofMillis(100))
            .budget(RetryBudgetConfig.custom().percentCanRetry(1.0).minRetriesPerSecond(0).build()).build();
    /** As {@link #AFTER_100_MS}, the loser cancelled at once (the loser's drain is {@link HedgeLoserDrainTest}'s). */
    private static final HedgingConfig AFTER_100_MS_CANCELLING = HedgingConfig.custom().delay(Duration.ofMillis(100))
            .budget(RetryBudgetConfig.custom().percentCanRetry(1.0).minRetriesPerSecond(0).build()).cancelLosers().build();

    private OkHttpClient hedgeClient() {
        return new OkHttpClient.Builder().dns(dns).connectTimeout(2, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS)
                .build();
    }

    private OkHttpClient client(LoadBalancingInterceptor lb) {
        return Fixtures.client(lb, dns).build();
    }

    private LoadBalancingInterceptor hedging(LoadBalancingPool pool, HedgingConfig config) {
        return LoadBalancingInterceptor.builder().pool("svc", pool, RouteOptions.custom().hedging(config).build())
                .hedgeCallFactory(hedgeClient()).build();
    }

    /** The backend's first request answers after {@code delayMillis}; later ones at once. */
    private static void slowOnce(Backend b, long delayMillis) {
        AtomicInteger n = new AtomicInteger();
        b.handler = r -> n.getAndIncrement() == 0
                ? Reply.status(200).body(b.name).headersDelay(delayMillis).build()
                : Backend.ok(b.name);
    }

    @Test
    void aSlowFirstTryIsHedgedToAnotherServerWhoseAnswerWins() {
        Backend a = backend("a");
        Backend b = backend("b");
        slowOnce(a, 5_000);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, AFTER_100_MS_CANCELLING);

        long start = System.nanoTime();
        String result = call(client(lb), get("http://svc/x"));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(result).isEqualTo("200 b");
        assertThat(tookMillis).isLessThan(4_000);
        assertThat(a.hits.get()).isEqualTo(1);
        assertThat(lb.hedgesSent()).isEqualTo(1);
        assertThat(lb.hedgeWins()).isEqualTo(1);
        assertThat(pool.stats("a").drops()).as("the cancelled try is dropped").isEqualTo(1);
        assertThat(pool.stats("a").failures()).isZero();
        assertThat(pool.stats("b").successes()).isEqualTo(1);
        assertThat(pool.stats("a").inFlight()).isZero();
    }

    @Test
    void aFirstTryAnsweringWithinTheDelayIsNotHedged() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, HedgingConfig.custom().delay(Duration.ofSeconds(10)).build());

        assertThat(call(client(lb), get("http://svc/x"))).isEqualTo("200 a");
        assertThat(b.hits.get()).isZero();
        assertThat(lb.hedgesSent()).isZero();
        assertThat(pool.stats("a").successes()).isEqualTo(1);
    }

    @Test
    void aPostIsNeverHedged() {
        Backend a = backend("a");
        Backend b = backend("b");
        slowOnce(a, 500);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, AFTER_100_MS);
        Request post = new Request.Builder().url("http://svc/x")
                .post(RequestBody.create("order", MediaType.get("text/plain"))).build();

        assertThat(call(client(lb), post)).isEqualTo("200 a");
        assertThat(b.hits.get()).isZero();
        assertThat(lb.hedgesSent()).isZero();
    }

    @Test
    void anEmptyBudgetSendsNoHedge() {
        Backend a = backend("a");
        Backend b = backend("b");
        slowOnce(a, 500);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, HedgingConfig.custom().delay(Duration.ofMillis(100))
                .budget(RetryBudgetConfig.custom().percentCanRetry(0).minRetriesPerSecond(0).build()).build());

        assertThat(call(client(lb), get("http://svc/x"))).isEqualTo("200 a");
        assertThat(b.hits.get()).isZero();
        assertThat(lb.hedgesSent()).isZero();
    }

    @Test
    void theDefaultBudgetAllowsOneHedgeInTwentyRequests() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> Reply.status(200).body("a").headersDelay(300).build();
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        // On the hand-driven ticker: the 20 requests take 6 s of wall clock, beyond the default budget's 2 s window.
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("svc", pool, RouteOptions.custom()
                        .hedging(HedgingConfig.custom().delay(Duration.ofMillis(50)).build()).build())
                .hedgeCallFactory(hedgeClient()).ticker(ticker).build();
        OkHttpClient client = client(lb);

        for (int i = 0; i < 20; i++) { // every request is slow: only the budget limits hedging
            call(client, get("http://svc/x"));
        }
        assertThat(lb.hedgesSent()).isEqualTo(1); // 20 × 5% = one token (ticker held still: no expiry)
    }

    @Test
    void withoutAnotherServerThereIsNoHedgeAndTheFirstTryAnswers() {
        Backend a = backend("a");
        slowOnce(a, 300);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a));
        LoadBalancingInterceptor lb = hedging(pool, AFTER_100_MS);

        assertThat(call(client(lb), get("http://svc/x"))).isEqualTo("200 a");
        assertThat(lb.hedgesSent()).isZero();
        assertThat(pool.stats("a").successes()).isEqualTo(1);
    }

    @Test
    void aFirstTryRefusedIsRequeuedAtOnceEvenWithAnEmptyHedgeBudget() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        a.close(); // connection refused
        LoadBalancingInterceptor lb = hedging(pool, HedgingConfig.custom().delay(Duration.ofSeconds(10))
                .budget(RetryBudgetConfig.custom().percentCanRetry(0).minRetriesPerSecond(0).build()).build());

        long start = System.nanoTime();
        assertThat(call(client(lb), get("http://svc/x"))).isEqualTo("200 b");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000); // not after the 10 s hedge delay
        assertThat(pool.stats("a").failures()).isEqualTo(1);
        assertThat(lb.hedgesSent()).as("a requeue, not a hedge").isZero();
    }

    @Test
    void thePercentileDelayTakesOverFromTheInitialDelayAfterOneHundredLatencies() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        // The interceptor's ticker is the test's ManualTicker, moved only by hand: every recorded latency is 0,
        // so once 100 are known and the estimate is recomputed (a tenth of the window later), the p95 delay is
        // its floor, minDelay (1 ms); before that it is initialDelay (10 s).
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().hedging(HedgingConfig.custom().percentile(95)
                        .initialDelay(Duration.ofSeconds(10)).minDelay(Duration.ofMillis(1))
                        .budget(RetryBudgetConfig.custom().percentCanRetry(1.0).minRetriesPerSecond(0).build())
                        .build()).build())
                .hedgeCallFactory(hedgeClient()).ticker(ticker).build();
        OkHttpClient client = client(lb);
        slowOnce(a, 300);
        assertThat(call(client, get("http://svc/x"))).as("initial delay: no hedge").isEqualTo("200 a");
        for (int i = 0; i < HedgingConfig.MIN_SAMPLES; i++) {
            call(client, get("http://svc/x"));
        }
        assertThat(lb.hedgesSent()).isZero();
        assertThat(call(client, get("http://svc/x"))).isEqualTo("200 a");
        assertThat(lb.hedgesSent()).as("the estimate is recomputed at most once per tenth of its window").isZero();
        ticker.advance(HedgingConfig.DEFAULT_WINDOW.dividedBy(10));
        slowOnce(a, 5_000);

        assertThat(call(client, get("http://svc/x"))).as("p95 delay: hedged").isEqualTo("200 b");
        assertThat(lb.hedgesSent()).isEqualTo(1);
    }

    @Test
    void cancellingTheCallCancelsBothTriesAndDropsTheirLeases() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        slowOnce(a, 5_000);
        slowOnce(b, 5_000);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, HedgingConfig.custom().delay(Duration.ofMillis(50))
                .budget(RetryBudgetConfig.custom().percentCanRetry(1.0).minRetriesPerSecond(0).build()).build());
        okhttp3.Call call = client(lb).newCall(get("http://svc/x"));
        Thread canceller = new Thread(() -> {
            try {
                Thread.sleep(1_000); // both tries are long under way (the hedge left after 50 ms)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            call.cancel();
        });
        canceller.start();

        assertThatThrownBy(call::execute).isInstanceOf(java.io.IOException.class);
        canceller.join();

        assertThat(lb.hedgesSent()).isEqualTo(1);
        assertThat(pool.stats("a").drops()).isEqualTo(1);
        assertThat(pool.stats("b").drops()).isEqualTo(1);
        assertThat(pool.stats("a").inFlight() + pool.stats("b").inFlight()).isZero();
        assertThat(pool.stats("a").failures() + pool.stats("b").failures()).isZero();
    }

    @Test
    void aRouteThatHedgesNeedsAHedgeClient() {
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(backend("a")));
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().hedging(HedgingConfig.ofDefaults()).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hedgeCallFactory");
    }

    @Test
    void configRejectsOutOfRangeValuesNamingTheField() {
        assertThatThrownBy(() -> HedgingConfig.custom().percentile(100)).hasMessageContaining("percentile");
        assertThatThrownBy(() -> HedgingConfig.custom().delay(Duration.ZERO)).hasMessageContaining("delay");
        assertThatThrownBy(() -> HedgingConfig.custom().window(Duration.ofMillis(10))).hasMessageContaining("window");
        assertThatThrownBy(() -> HedgingConfig.custom().loserDrainTimeout(Duration.ofMillis(-1)))
                .hasMessageContaining("loserDrainTimeout").hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> HedgingConfig.custom().loserDrainTimeout(Duration.ofHours(2)))
                .hasMessageContaining("loserDrainTimeout");
        assertThatThrownBy(() -> HedgingConfig.custom().loserDrainTimeout(null)).hasMessageContaining("loserDrainTimeout");
    }
}
