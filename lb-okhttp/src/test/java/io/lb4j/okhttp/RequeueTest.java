package io.lb4j.okhttp;

import io.lb4j.algorithms.Strategies;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Requeues are not retries (Finagle): a try that never reached a server goes to another one out of the
 * requeue allowance, for any method, and does not spend the retry budget. Dead servers are real
 * MockWebServers that were shut down (connection refused on their port).
 */
class RequeueTest extends InterceptorTestBase {
    private static final MediaType TEXT = MediaType.get("text/plain");
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    private static final RetryBudgetConfig NO_RETRIES = RetryBudgetConfig.custom().percentCanRetry(0)
            .minRetriesPerSecond(0).build();

    private OkHttpClient client(LoadBalancingInterceptor lb) {
        return Fixtures.client(lb, dns).retryOnConnectionFailure(false).build();
    }

    private static Request post(String body) {
        return new Request.Builder().url("http://orders/orders").post(RequestBody.create(body, TEXT)).build();
    }

    /** Three backends over a pool, then the first two shut down: their ports refuse connections. */
    private LoadBalancingPool twoOfThreeDead(List<Backend> backends, PoolConfig config) {
        LoadBalancingPool orders = pool("orders", Strategies.byName("round-robin"), config, backends);
        backends.get(0).close();
        backends.get(1).close();
        return orders;
    }

    @ParameterizedTest(name = "passive health {0}")
    @ValueSource(strings = {"default", "nginx max_fails=1", "disabled"})
    void twoOfThreeServersDeadNoIdempotentCallFails(String passive) {
        PoolConfig config = switch (passive) {
            case "default" -> PoolConfig.ofDefaults();
            case "nginx max_fails=1" -> PoolConfig.custom().passiveHealth(PassiveHealth.nginx(1, Duration.ofSeconds(10)))
                    .build();
            default -> NO_PASSIVE;
        };
        List<Backend> backends = backends("a", "b", "c");
        LoadBalancingPool orders = twoOfThreeDead(backends, config);
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).ticker(ticker).build();
        OkHttpClient client = client(lb);

        List<String> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            results.add(call(client, get("http://orders/x/" + i)));
        }

        assertThat(results).containsOnly("200 c");
        assertThat(backends.get(2).hits.get()).isEqualTo(100);
        assertThat(orders.stats("a").failures() + orders.stats("b").failures()).isPositive();
        // the reserve (10/s x 10 s) plus 20% of 100 requests: requeues spent no retry token
        assertThat(lb.retryBudget(orders).available()).isEqualTo(100 + 20);
    }

    @Test
    void nonIdempotentPostIsRequeuedPastDeadServersAndDeliveredExactlyOnce() {
        List<Backend> backends = backends("a", "b", "c");
        LoadBalancingPool orders = twoOfThreeDead(backends, NO_PASSIVE);
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders).ticker(ticker).build());

        for (int i = 0; i < 60; i++) {
            assertThat(call(client, post("order " + i))).isEqualTo("200 c");
        }

        Backend c = backends.get(2);
        assertThat(c.hits.get()).isEqualTo(60);
        for (int i = 0; i < 60; i++) {
            assertThat(c.requests.get(i).body()).isEqualTo("order " + i);
        }
        assertThat(orders.stats("a").failures() + orders.stats("b").failures()).as("dead servers were picked")
                .isGreaterThanOrEqualTo(40);
    }

    @Test
    void requeuesDoNotNeedTheRetryBudgetButRetriesDo() {
        List<Backend> backends = backends("a", "b", "c");
        backends.get(2).handler = r -> r.path().equals("/busy") ? Backend.status(503) : Backend.ok("c");
        Backend d = backend("d");
        LoadBalancingPool orders = poolOf("orders", TestStrategies.first(), NO_PASSIVE,
                List.of(backends.get(0).server(), backends.get(1).server(), backends.get(2).server(), d.server()));
        backends.get(0).close();
        backends.get(1).close();
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders).ticker(ticker)
                .retryBudget(NO_RETRIES).build());

        assertThat(call(client, get("http://orders/x"))).isEqualTo("200 c");     // a, b refused: requeued twice
        assertThat(call(client, get("http://orders/busy"))).isEqualTo("503 status 503"); // reached c: no retry token
        assertThat(d.hits.get()).isZero();
    }

    @Test
    void requeuesPerCallAreBoundedByMaxRequeues() {
        List<Backend> backends = backends("a", "b", "c", "d", "e");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, backends);
        for (int i = 0; i < 4; i++) {
            backends.get(i).close();
        }
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders).ticker(ticker)
                .maxRequeues(2).build());

        assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute())
                .isInstanceOf(ConnectException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2).allMatch(s -> s instanceof ConnectException));
        assertThat(backends.get(4).hits.get()).isZero();
        assertThat(orders.stats("d").picks()).isZero(); // a, b, c: three tries
    }

    @Test
    void maxRequeuesZeroDisablesRequeues() {
        List<Backend> backends = backends("a", "b");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, backends);
        backends.get(0).close();
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders).maxRequeues(0).build());

        assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute()).isInstanceOf(ConnectException.class);
        assertThat(backends.get(1).hits.get()).isZero();
    }

    @Test
    void callNeverTriesMoreServersThanThePoolHas() {
        List<Backend> backends = backends("a", "b", "c");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), NO_PASSIVE, backends);
        backends.forEach(Backend::close);
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).ticker(ticker)
                .maxRequeues(LoadBalancingInterceptor.MAX_MAX_REQUEUES).build();
        OkHttpClient client = client(lb);

        assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute())
                .isInstanceOf(ConnectException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
        assertThat(orders.stats()).allSatisfy(s -> assertThat(s.picks()).isEqualTo(1));
    }

    @Test
    void requeueBudgetKeepsADeadFleetFromMultiplyingTheLoad() {
        List<Backend> backends = backends("a", "b", "c");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), NO_PASSIVE, backends);
        backends.forEach(Backend::close);
        // one requeue per second over a 1 s window, nothing per request
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).ticker(ticker)
                .requeueBudget(RetryBudgetConfig.custom().percentCanRetry(0).minRetriesPerSecond(1)
                        .ttl(Duration.ofSeconds(1)).build()).build();
        OkHttpClient client = client(lb);

        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute()).isInstanceOf(ConnectException.class);
        }
        long picksInOneWindow = orders.stats().stream().mapToLong(s -> s.picks()).sum();
        ticker.advance(Duration.ofSeconds(1)); // the debit expires: one more requeue
        assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute())
                .isInstanceOf(ConnectException.class).satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));

        assertThat(picksInOneWindow).as("20 calls, one requeue").isEqualTo(21);
        assertThat(lb.requeueBudget(orders).available()).isZero();
    }

    @Test
    void connectPhaseFailuresAreRequeuedOthersAreNot() {
        assertThat(RetryPolicy.classify(new ConnectException("Connection refused"))).isEqualTo(RetryPolicy.Failure.NOT_SENT);
        assertThat(RetryPolicy.classify(new NoRouteToHostException("No route to host")))
                .isEqualTo(RetryPolicy.Failure.NOT_SENT);
        assertThat(RetryPolicy.classify(new SocketTimeoutException("connect timed out")))
                .isEqualTo(RetryPolicy.Failure.NOT_SENT);
        assertThat(RetryPolicy.classify(new SocketTimeoutException("Read timed out"))).isEqualTo(RetryPolicy.Failure.TIMEOUT);
        assertThat(RetryPolicy.classify(new IOException("unexpected end of stream"))).isEqualTo(RetryPolicy.Failure.OTHER);
    }

    @Test
    void requeueBudgetIsPerPoolAndValidated() {
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, backends("a"));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).build();

        assertThat(lb.requeueBudget(orders).config()).isSameAs(LoadBalancingInterceptor.DEFAULT_REQUEUE_BUDGET);
        assertThat(lb.requeueBudget(orders)).isNotSameAs(lb.retryBudget(orders));
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().requeueBudget(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("requeueBudget must not be null");
        for (int bad : new int[] {-1, LoadBalancingInterceptor.MAX_MAX_REQUEUES + 1}) {
            assertThatThrownBy(() -> LoadBalancingInterceptor.builder().maxRequeues(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxRequeues must be in [0, 100], was " + bad);
        }
    }

    static String body(okhttp3.Response r) {
        try {
            return r.body().string();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
