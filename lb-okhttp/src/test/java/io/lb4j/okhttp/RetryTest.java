package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTest extends InterceptorTestBase {
    private static final MediaType TEXT = MediaType.get("text/plain");
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();

    private OkHttpClient client(LoadBalancingInterceptorBuilder b) {
        // retryOnConnectionFailure(false): OkHttp itself must not replay anything on the same server
        return Fixtures.client(b.build(), dns).retryOnConnectionFailure(false).build();
    }

    private static Request post(String url, String body) {
        return new Request.Builder().url(url).post(RequestBody.create(body, TEXT)).build();
    }

    private static Reply dropConnectionAfterReadingRequest() {
        return Reply.dropConnection();
    }

    @Test
    void connectFailureIsRetriedOnAnotherServerEvenForPost() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        a.close(); // connection refused: nothing was sent
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        String result = call(client, post("http://orders/orders", "new order"));

        assertThat(result).isEqualTo("200 b");
        assertThat(b.lastRequest().body()).isEqualTo("new order");
        assertThat(orders.stats("a").failures()).isEqualTo(1);
        assertThat(orders.stats("b").successes()).isEqualTo(1);
    }

    @Test
    void postIsNotRetriedAfterItWasSent() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> dropConnectionAfterReadingRequest();
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        assertThatThrownBy(() -> client.newCall(post("http://orders/orders", "charge 10 EUR")).execute())
                .isInstanceOf(IOException.class);

        assertThat(a.hits.get()).isEqualTo(1);
        assertThat(b.hits.get()).isZero();
        assertThat(orders.stats("a").failures()).isEqualTo(1);
    }

    @Test
    void getIsRetriedAfterTheServerDroppedTheConnection() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> dropConnectionAfterReadingRequest();
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        assertThat(call(client, get("http://orders/orders/1"))).isEqualTo("200 b");
        assertThat(a.hits.get()).isEqualTo(1);
    }

    @Test
    void status503IsRetriedForIdempotentRequests() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        assertThat(call(client, new Request.Builder().url("http://orders/o/1").put(RequestBody.create("x", TEXT)).build()))
                .isEqualTo("200 b");
        assertThat(orders.stats("a").failures()).isEqualTo(1);
    }

    @Test
    void status503IsNotRetriedForPost() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        assertThat(call(client, post("http://orders/orders", "x"))).isEqualTo("503 status 503");
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void idempotentTagAllowsRetryingAPost() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        Request lookup = post("http://orders/lookup", "q").newBuilder().tag(Idempotent.class, Idempotent.YES).build();
        assertThat(call(client, lookup)).isEqualTo("200 b");
        assertThat(b.lastRequest().body()).isEqualTo("q");
    }

    @Test
    void notIdempotentTagForbidsRetryingAGet() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        Request charge = get("http://orders/charge").newBuilder().tag(Idempotent.class, Idempotent.NO).build();
        assertThat(call(client, charge)).isEqualTo("503 status 503");
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void oneShotBodyIsNotReplayedAfterItWasSent() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));
        RequestBody oneShot = new RequestBody() {
            @Override
            public MediaType contentType() {
                return TEXT;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8("stream");
            }

            @Override
            public boolean isOneShot() {
                return true;
            }
        };

        assertThat(call(client, new Request.Builder().url("http://orders/upload").put(oneShot).build()))
                .isEqualTo("503 status 503");
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void readTimeoutOfAnIdempotentRequestIsRetriedOnAnotherServer() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> Reply.stall();
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        // a real 200 ms read timeout against a server that never answers: the behaviour under test
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns)
                .readTimeout(200, TimeUnit.MILLISECONDS).build();

        assertThat(call(client, get("http://orders/slow"))).isEqualTo("200 b");
        assertThat(orders.stats("a").failures()).isEqualTo(1);
    }

    @Test
    void readTimeoutIsNotRetriedWhenRetryOnTimeoutIsOff() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> Reply.stall();
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders)
                .retryOnTimeout(false).build(), dns).readTimeout(200, TimeUnit.MILLISECONDS).build();

        assertThatThrownBy(() -> client.newCall(get("http://orders/slow")).execute())
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void triesAtMostMaxTriesServersAndReturnsTheLastResponse() {
        List<Backend> backends = backends("a", "b", "c", "d", "e");
        backends.forEach(x -> x.answer(503));
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), NO_PASSIVE, backends);
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders).maxTries(3));

        assertThat(call(client, get("http://orders/x"))).isEqualTo("503 status 503");
        assertThat(totalHits(backends)).isEqualTo(3);
        assertThat(backends).allMatch(x -> x.hits.get() <= 1, "no server twice");
    }

    @Test
    void neverTriesTheSameServerTwiceInOneCall() {
        List<Backend> backends = backends("a", "b");
        backends.forEach(x -> x.answer(502));
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, backends);
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders).maxTries(5));

        assertThat(call(client, get("http://orders/x"))).isEqualTo("502 status 502");
        assertThat(backends).allMatch(x -> x.hits.get() == 1);
    }

    @Test
    void maxTriesOfOneDisablesRetries() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders).maxTries(1));

        assertThat(call(client, get("http://orders/x"))).isEqualTo("503 status 503");
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void finalFailureCarriesTheCauseOfEveryTry() {
        Backend a = backend("a");
        Backend b = backend("b");
        Backend c = backend("c");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b, c));
        b.close();
        c.close();
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute())
                .isInstanceOf(ConnectException.class)
                .satisfies(e -> {
                    Throwable[] s = e.getSuppressed();
                    assertThat(s).hasSize(2);
                    assertThat(s[0]).isInstanceOf(BadStatusException.class).hasMessage("HTTP 503 from server a");
                    assertThat(((BadStatusException) s[0]).code()).isEqualTo(503);
                    assertThat(s[1]).isInstanceOf(ConnectException.class);
                });
        assertThat(orders.stats("b").failures() + orders.stats("c").failures()).isEqualTo(2);
    }

    @Test
    void retryBudgetExhaustionStopsRetriesUntilTheWindowPasses() throws IOException {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).ticker(ticker)
                .retryBudget(RetryBudgetConfig.custom().percentCanRetry(0).minRetriesPerSecond(1)
                        .ttl(Duration.ofSeconds(1)).build())
                .build();
        OkHttpClient client = Fixtures.client(lb, dns).build();

        String first = call(client, get("http://orders/x"));   // retried: uses the only token
        long left = lb.retryBudget(orders).available();
        String second = call(client, get("http://orders/x"));  // budget empty: the 503 goes to the caller
        ticker.advance(Duration.ofSeconds(1));                   // the debit expires
        String third = call(client, get("http://orders/x"));

        assertThat(first).isEqualTo("200 b");
        assertThat(left).isZero();
        assertThat(second).isEqualTo("503 status 503");
        assertThat(third).isEqualTo("200 b");
        assertThat(b.hits.get()).isEqualTo(2);
    }

    @Test
    void unusedRetryTokenIsRefundedWhenNoOtherServerExists() {
        Backend a = backend("a");
        a.answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).ticker(ticker)
                .retryBudget(RetryBudgetConfig.custom().percentCanRetry(0).minRetriesPerSecond(1)
                        .ttl(Duration.ofSeconds(1)).build())
                .build();
        OkHttpClient client = Fixtures.client(lb, dns).build();

        assertThat(call(client, get("http://orders/x"))).isEqualTo("503 status 503");
        assertThat(lb.retryBudget(orders).available()).isEqualTo(1);
    }

    @Test
    void responseBodyOfARetriedTryIsClosed() throws IOException {
        // 100 tries on 2 servers through one connection each: a leaked body would hold the connection
        List<Backend> backends = backends("a", "b");
        backends.get(0).answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, backends);
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders)
                .retryBudget(RetryBudgetConfig.custom().minRetriesPerSecond(1000).build()));

        for (int i = 0; i < 50; i++) {
            try (Response r = client.newCall(get("http://orders/x")).execute()) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
        assertThat(client.connectionPool().connectionCount()).isLessThanOrEqualTo(2);
    }

    @Test
    void postWhoseRedirectCannotBeFollowedIsNotReplayedOnAnotherServer() {
        Backend a = backend("a");
        Backend b = backend("b");
        Backend gone = backend("gone");
        int gonePort = gone.port();
        // Post/Redirect/Get to a member that refuses connections: a connect failure after the POST was sent
        a.handler = r -> Reply.status(303)
                .header("Location", "http://127.0.0.1:" + gonePort + "/receipt").build();
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b, gone));
        gone.close();
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        assertThatThrownBy(() -> client.newCall(post("http://orders/orders", "charge")).execute())
                .isInstanceOf(ConnectException.class);
        assertThat(a.hits.get()).isEqualTo(1);
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void callTimeoutAgainstAServerThatNeverAnswersIsAFailureAndIsNotRetried() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> Reply.stall();
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        // a real 300 ms call timeout against a server that never answers: the behaviour under test
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns)
                .callTimeout(300, TimeUnit.MILLISECONDS).build();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.newCall(get("http://orders/slow")).execute())
                    .isExactlyInstanceOf(InterruptedIOException.class).hasMessage("timeout");
        }

        assertThat(orders.stats("a").failures()).isEqualTo(3);
        assertThat(orders.stats("a").drops()).isZero();
        assertThat(orders.stats("a").inFlight()).isZero();
        assertThat(b.hits.get()).isZero(); // the call's time budget is spent: no retry
    }

    @Test
    void callTimeoutFailureCountsForPassiveHealth() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> Reply.stall();
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a, b)); // max_fails=1
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns)
                .callTimeout(300, TimeUnit.MILLISECONDS).build();

        assertThatThrownBy(() -> client.newCall(get("http://orders/slow")).execute())
                .isInstanceOf(InterruptedIOException.class);

        assertThat(orders.state("a")).isNotEqualTo(io.lb4j.api.HealthState.UP);
        assertThat(call(client, get("http://orders/next"))).isEqualTo("200 b");
    }

    @Test
    void threadInterruptWhileConnectingIsADropAndIsNotRetried() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        // below the load balancer: the calling thread is interrupted before the try connects
        okhttp3.Interceptor interrupt = chain -> {
            Thread.currentThread().interrupt();
            return chain.proceed(chain.request());
        };
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns)
                .addInterceptor(interrupt).build();

        Throwable thrown;
        try {
            thrown = org.assertj.core.api.Assertions.catchThrowable(() -> client.newCall(get("http://orders/x")).execute());
        } finally {
            Thread.interrupted(); // clear the flag for the next tests
        }

        // OkHttp throws InterruptedException (undeclared) or InterruptedIOException, depending on where
        assertThat(thrown).isInstanceOfAny(InterruptedException.class, InterruptedIOException.class);
        assertThat(orders.stats("a").drops()).isEqualTo(1);
        assertThat(orders.stats("a").failures()).isZero();
        assertThat(orders.stats("a").inFlight()).isZero();
        assertThat(orders.stats("b").picks()).isZero();
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void threadInterruptOnAPooledConnectionIsADropAndIsNotRetried() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        okhttp3.Interceptor interrupt = chain -> {
            if (armed.get()) {
                Thread.currentThread().interrupt();
            }
            return chain.proceed(chain.request());
        };
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns)
                .addInterceptor(interrupt).build();
        assertThat(call(client, get("http://orders/warm-up"))).isEqualTo("200 a"); // a pooled connection to a
        armed.set(true);

        Throwable thrown;
        try {
            thrown = org.assertj.core.api.Assertions.catchThrowable(() -> client.newCall(get("http://orders/x")).execute());
        } finally {
            Thread.interrupted();
        }

        assertThat(thrown).isInstanceOfAny(InterruptedException.class, InterruptedIOException.class);
        assertThat(orders.stats("a").drops()).isEqualTo(1);
        assertThat(orders.stats("a").failures()).isZero();
        assertThat(orders.stats("a").inFlight()).isZero();
        assertThat(orders.stats("b").picks()).isZero();
    }

    @Test
    void interruptedIoExceptionWithoutTimeoutIsADropAndIsNotRetried() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        okhttp3.Interceptor interrupted = chain -> {
            throw new InterruptedIOException("interrupted");
        };
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns)
                .addInterceptor(interrupted).build();

        assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute())
                .isInstanceOf(InterruptedIOException.class).hasMessage("interrupted");

        assertThat(orders.stats("a").drops()).isEqualTo(1);
        assertThat(orders.stats("a").failures()).isZero();
        assertThat(orders.stats("b").picks()).isZero();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"GET", "DELETE"})
    void bodylessNonIdempotentRequestWhoseRedirectCannotBeFollowedIsNotReplayed(String method) {
        Backend a = backend("a");
        Backend b = backend("b");
        Backend gone = backend("gone");
        int gonePort = gone.port();
        // a 302 to a member that refuses connections: a connect failure after the request was answered
        a.handler = r -> Reply.status(302)
                .header("Location", "http://127.0.0.1:" + gonePort + "/elsewhere").build();
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b, gone));
        gone.close();
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));
        Request once = new Request.Builder().url("http://orders/charge").method(method, null)
                .tag(Idempotent.class, Idempotent.NO).build();

        assertThatThrownBy(() -> client.newCall(once).execute()).isInstanceOf(ConnectException.class);

        assertThat(a.hits.get()).isEqualTo(1);
        assertThat(b.hits.get()).isZero();
        assertThat(orders.stats("b").picks()).isZero();
        assertThat(orders.stats("a").inFlight()).isZero();
    }

    @Test
    void bodylessNonIdempotentRequestIsStillRetriedWhenItsConnectFails() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        a.close(); // connection refused: nothing was sent
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("orders", orders));

        Request once = get("http://orders/charge").newBuilder().tag(Idempotent.class, Idempotent.NO).build();
        assertThat(call(client, once)).isEqualTo("200 b");
        assertThat(orders.stats("a").failures()).isEqualTo(1);
    }
}
