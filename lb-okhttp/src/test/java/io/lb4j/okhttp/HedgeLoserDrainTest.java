package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The losing try of a hedge is left to finish, its lease in flight, on real loopback servers. Server {@code a}
 * is always picked first and holds its first answer until the test releases it (a latch, so no wall-clock
 * race decides anything); the hedge to {@code b} wins after the 100 ms delay. The drain timeout runs on the
 * interceptor's hand-driven ticker. Waiting for a released server to answer is a bounded poll.
 */
class HedgeLoserDrainTest extends InterceptorTestBase {
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    private static final RetryBudgetConfig ALWAYS = RetryBudgetConfig.custom().percentCanRetry(1.0)
            .minRetriesPerSecond(0).build();

    private final CountDownLatch release = new CountDownLatch(1);
    private final OkHttpClient hedgeClient = new OkHttpClient.Builder().dns(dns).connectTimeout(2, TimeUnit.SECONDS)
            .readTimeout(30, TimeUnit.SECONDS).build();

    /** The backend's first request answers {@code code} once the test releases it; later ones at once. */
    private void heldOnce(Backend backend, int code) {
        AtomicInteger n = new AtomicInteger();
        backend.handler = r -> {
            if (n.getAndIncrement() == 0) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Reply.status(code).body("late " + backend.name);
            }
            return Backend.ok(backend.name);
        };
    }

    private LoadBalancingInterceptor hedging(LoadBalancingPool pool, HedgingConfig.Builder config) {
        return LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().hedging(config.delay(Duration.ofMillis(100)).budget(ALWAYS)
                        .build()).build())
                .hedgeCallFactory(hedgeClient).ticker(ticker).build();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("within 10 s").isTrue();
    }

    @Test
    void theLoserKeepsItsLeaseInFlightUntilItsResponseArrivesAndIsThenDropped() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        heldOnce(a, 200);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, HedgingConfig.custom());
        try {
            assertThat(call(Fixtures.client(lb, dns).build(), get("http://svc/x"))).isEqualTo("200 b");
            assertThat(lb.hedgeWins()).isEqualTo(1);
            assertThat(pool.stats("a").inFlight()).as("a still works on the loser").isEqualTo(1);
            assertThat(pool.stats("a").drops()).isZero();
        } finally {
            release.countDown();
        }
        awaitTrue(() -> pool.stats("a").inFlight() == 0);

        assertThat(pool.stats("a").drops()).as("dropped when its response came").isEqualTo(1);
        assertThat(pool.stats("a").failures()).isZero();
        assertThat(pool.stats("a").successes()).isZero();
        assertThat(pool.stats("b").successes()).isEqualTo(1);
        assertThat(lb.hedgesSent()).as("draining sends nothing more").isEqualTo(1);
        assertThat(a.hits.get()).isEqualTo(1);
        // The loser's connection was not cut: its response was closed and the connection went back to the pool.
        awaitTrue(() -> hedgeClient.connectionPool().idleConnectionCount() == hedgeClient.connectionPool()
                .connectionCount());
        assertThat(hedgeClient.connectionPool().connectionCount()).isEqualTo(2);
    }

    @Test
    void aLoserThatAnswersWithAnErrorIsDroppedNotCountedAsAFailure() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        heldOnce(a, 503);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, HedgingConfig.custom());
        try {
            assertThat(call(Fixtures.client(lb, dns).build(), get("http://svc/x"))).isEqualTo("200 b");
        } finally {
            release.countDown();
        }
        awaitTrue(() -> pool.stats("a").inFlight() == 0);

        assertThat(pool.stats("a").drops()).isEqualTo(1);
        assertThat(pool.stats("a").failures()).isZero();
    }

    @Test
    void aLoserStillRunningAtTheDrainTimeoutIsCancelledAndDroppedByTheNextHedgedExchange() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        heldOnce(a, 200);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, HedgingConfig.custom().loserDrainTimeout(Duration.ofSeconds(5)));
        OkHttpClient client = Fixtures.client(lb, dns).build();
        try {
            assertThat(call(client, get("http://svc/x"))).isEqualTo("200 b");
            ticker.advance(Duration.ofMillis(4_999));
            assertThat(call(client, get("http://svc/x"))).as("a's second request answers at once").isEqualTo("200 a");
            assertThat(pool.stats("a").inFlight()).as("1 ms before the drain timeout").isEqualTo(1);
            assertThat(pool.stats("a").drops()).isZero();

            ticker.advance(Duration.ofMillis(1));
            assertThat(call(client, get("http://svc/x"))).isEqualTo("200 a");

            assertThat(pool.stats("a").inFlight()).as("at the drain timeout").isZero();
            assertThat(pool.stats("a").drops()).isEqualTo(1);
            assertThat(pool.stats("a").failures()).isZero();
            assertThat(pool.stats("a").successes()).isEqualTo(2);
            assertThat(lb.hedgesSent()).isEqualTo(1);
        } finally {
            release.countDown();
        }
        // The cancelled loser's late answer changes nothing.
        Thread.sleep(200);
        assertThat(pool.stats("a").drops()).isEqualTo(1);
        assertThat(pool.stats("a").inFlight()).isZero();
    }

    @Test
    void withCancelLosersTheLoserIsDroppedAtOnce() {
        Backend a = backend("a");
        Backend b = backend("b");
        heldOnce(a, 200);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = hedging(pool, HedgingConfig.custom().cancelLosers());
        try {
            assertThat(call(Fixtures.client(lb, dns).build(), get("http://svc/x"))).isEqualTo("200 b");
            assertThat(pool.stats("a").inFlight()).isZero();
            assertThat(pool.stats("a").drops()).isEqualTo(1);
            assertThat(pool.stats("a").failures()).isZero();
        } finally {
            release.countDown();
        }
    }

    @Test
    void theDefaultsDrainLosersForTenSecondsAndSpendTheBudgetOverTwoSeconds() {
        HedgingConfig defaults = HedgingConfig.ofDefaults();
        assertThat(defaults.loserDrainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.budget().ttl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.budget().percentCanRetry()).isEqualTo(0.05);
        assertThat(HedgingConfig.custom().cancelLosers().build().loserDrainTimeout()).isZero();
    }
}
