package io.lb4j.okhttp;

import io.lb4j.api.Server;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.lb4j.okhttp.Settled.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The interceptor against backends that misbehave at the byte level (a raw {@link HostileServer}) next to one
 * good backend ({@link Backend}). The hostile one is always picked first ({@link TestStrategies#first()},
 * passive health off so that it stays first). Every scenario ends {@link Settled}: all leases complete, no
 * thread left behind, only IOExceptions reach the caller.
 */
class HostileBackendsTest extends HostileTestBase {
    /** Pool "svc" of the hostile server "h" (picked first) and the good backend "good". */
    private OkHttpClient client(HostileServer h, Backend good, long readTimeoutMillis) {
        List<Server> servers = new ArrayList<>();
        servers.add(h.server("h"));
        if (good != null) {
            servers.add(good.server());
        }
        pool = poolOf("svc", TestStrategies.first(), NO_PASSIVE, servers);
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("svc", pool).build();
        return Fixtures.client(lb, dns).readTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS).build();
    }

    private static Request get() {
        return Fixtures.get("http://svc/x");
    }

    private static Request post(String body) {
        return new Request.Builder().url("http://svc/orders").post(RequestBody.create(body, TEXT)).build();
    }

    @Test
    void acceptAndCloseAtOnceMovesAGetToTheGoodServer() {
        HostileServer h = hostile((s, srv) -> s.close());
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 2_000), get())).isEqualTo("200 good");
        assertThat(h.accepted.get()).isPositive();
    }

    @Test
    void resetAfterReadingAPostIsNotReplayedOnAnotherServer() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.reset(s);
        });
        Backend good = backend("good");
        OkHttpClient client = client(h, good, 2_000).newBuilder().retryOnConnectionFailure(false).build();

        assertThat(outcome(client, post("order-1"))).isInstanceOf(IOException.class);
        assertThat(h.bodies).containsExactly("order-1");
        assertThat(good.hits.get()).as("the body reached one server only").isZero();
        assertThat(pool.stats("h").failures()).isEqualTo(1);
    }

    @Test
    void resetInTheMiddleOfTheHeadersMovesAGetToTheGoodServer() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 200 OK\r\nContent-Ty");
            HostileServer.reset(s);
        });
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 2_000), get())).isEqualTo("200 good");
        assertThat(pool.stats("h").failures()).isEqualTo(1);
    }

    @Test
    void resetInTheMiddleOfTheBodyFailsTheCallersReadAfterTheLeaseEndedWithTheHeaders() throws IOException {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
            Thread.sleep(100);
            HostileServer.reset(s);
        });
        Backend good = backend("good");

        try (Response r = client(h, good, 2_000).newCall(get()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThatThrownBy(() -> r.body().string()).isInstanceOf(IOException.class);
        }
        // Documented: the lease is held until the response headers arrive, so the body's failure is the
        // caller's, not the server's, and nothing is retried once the caller has the response.
        assertThat(pool.stats("h").successes()).isEqualTo(1);
        assertThat(good.hits.get()).isZero();
    }

    @Test
    void resetAfterACompleteResponseOnAKeepAliveConnectionCostsTheNextCallNothing() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, HostileServer.response(200, "h", "Connection: keep-alive"));
            Thread.sleep(50);
            HostileServer.reset(s);
        });
        Backend good = backend("good");
        OkHttpClient client = client(h, good, 2_000);

        assertThat(outcome(client, get())).isEqualTo("200 h");
        for (int i = 0; i < 5; i++) {
            assertThat(outcome(client, get())).isIn("200 h", "200 good");
        }
    }

    @Test
    void malformedStatusLineMovesAGetToTheGoodServer() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 OK 200\r\nContent-Length: 0\r\n\r\n");
        });
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 2_000), get())).isEqualTo("200 good");
        assertThat(pool.stats("h").failures()).isEqualTo(1);
    }

    @Test
    void malformedStatusLineFailsAPostWithAnIOExceptionAndSendsItNowhereElse() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "garbage\r\n\r\n");
        });
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 2_000), post("order-2"))).isInstanceOf(java.net.ProtocolException.class);
        assertThat(good.hits.get()).isZero();
    }

    @Test
    void hugeResponseHeaderMovesAGetToTheGoodServer() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(512 * 1024) + "\r\nContent-Length: 0\r\n\r\n");
        });
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 2_000), get())).isEqualTo("200 good");
        assertThat(pool.stats("h").failures()).isEqualTo(1);
    }

    @Test
    void headersThatNeverEndHitTheReadTimeoutAndMoveAGetToTheGoodServer() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 200 OK\r\nX-A: 1\r\n");
            HostileServer.hang(s);
        });
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 300), get())).isEqualTo("200 good");
        assertThat(pool.stats("h").failures()).isEqualTo(1);
    }

    @Test
    void slowlorisTricklingHeadersIsEndedByTheCallTimeoutAsAFailureOfItsServer() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 200; i++) { // one header every 50 ms: never a read timeout
                HostileServer.write(s, "X-" + i + ": 1\r\n");
                Thread.sleep(50);
            }
        });
        Backend good = backend("good");
        OkHttpClient client = client(h, good, 1_000).newBuilder().callTimeout(1_500, TimeUnit.MILLISECONDS).build();

        long start = System.nanoTime();
        Object result = outcome(client, get());

        assertThat(result).isInstanceOf(InterruptedIOException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        assertThat(pool.stats("h").failures()).isEqualTo(1);
        assertThat(good.hits.get()).as("the call's time budget is spent: no other try").isZero();
    }

    @Test
    void interimResponseThenSilenceHitsTheReadTimeoutAndMovesAGetToTheGoodServer() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 100 Continue\r\n\r\n");
            HostileServer.hang(s);
        });
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 300), get())).isEqualTo("200 good");
        assertThat(pool.stats("h").failures()).isEqualTo(1);
    }

    @Test
    void twoInterimResponsesInARowNeverThrowAnythingButAnIOException() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n");
            HostileServer.hang(s);
        });
        Backend good = backend("good");

        // OkHttp 5 skips both and times out (then the good server answers); OkHttp 4.12 throws
        // IllegalStateException("state: 3") from below the interceptor, which the caller gets as an IOException.
        Object result = outcome(client(h, good, 300), get());

        if (StubServer.onOkHttp4()) {
            assertThat(result).isInstanceOf(IOException.class);
            assertThat(((Throwable) result).getCause()).isInstanceOf(IllegalStateException.class);
            assertThat(pool.stats("h").drops()).isEqualTo(1);
        } else {
            assertThat(result).isEqualTo("200 good");
        }
    }

    @Test
    void bodyShorterThanItsContentLengthFailsTheCallersReadWithAnIOException() throws IOException {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        });

        try (Response r = client(h, null, 2_000).newCall(get()).execute()) {
            assertThatThrownBy(() -> r.body().string()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void bodyLongerThanItsContentLengthIsCutAndTheNextCallStillGetsAnAnswer() {
        HostileServer h = hostile((s, srv) -> {
            while (srv.readRequest(s) != null) {
                HostileServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nh-and-smuggled");
            }
        });
        Backend good = backend("good");
        OkHttpClient client = client(h, good, 1_000);

        assertThat(outcome(client, get())).isEqualTo("200 h-");
        assertThat(outcome(client, get())).isIn("200 h-", "200 good");
    }

    @Test
    void status503WithRetryAfterIsRetriedAtOnceOnAnotherServerForAGet() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, HostileServer.response(503, "busy", "Retry-After: 3600"));
        });
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 2_000), get())).isEqualTo("200 good");
        assertThat(pool.stats("h").failures()).as("503 is a failure of its server").isEqualTo(1);
    }

    @Test
    void status503WithRetryAfterReachesAPostsCallerWithItsHeader() throws IOException {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, HostileServer.response(503, "busy", "Retry-After: 120"));
        });
        Backend good = backend("good");

        try (Response r = client(h, good, 2_000).newCall(post("order-3")).execute()) {
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("120");
        }
        assertThat(good.hits.get()).isZero();
    }

    @Test
    void status429WithRetryAfterReachesTheCallerAndIsNotAFailureOfItsServer() throws IOException {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, HostileServer.response(429, "slow down", "Retry-After: 5"));
        });
        Backend good = backend("good");

        try (Response r = client(h, good, 2_000).newCall(get()).execute()) {
            assertThat(r.code()).isEqualTo(429);
            assertThat(r.header("Retry-After")).isEqualTo("5");
        }
        assertThat(good.hits.get()).isZero();
        assertThat(pool.stats("h").successes()).isEqualTo(1);
        assertThat(pool.stats("h").failures()).isZero();
    }

    @Test
    void retriedStatusWithANegativeContentLengthEndsInAProtocolExceptionAndLeaksNoLease() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 503 X\r\nContent-Length: -7\r\n\r\n");
        });
        Backend good = backend("good");

        // OkHttp cannot discard that body, and a call whose response is still open can make no other exchange
        Object result = outcome(client(h, good, 1_000), get());

        assertThat(result).isInstanceOf(java.net.ProtocolException.class);
        assertThat((Throwable) result).hasMessageContaining("server h").hasMessageContaining("'svc'");
        assertThat(pool.stats("h").failures()).isEqualTo(1);
        assertThat(pool.stats("good").drops()).as("picked for the retry, never sent").isEqualTo(1);
        assertThat(good.hits.get()).isZero();
    }

    @Test
    void redirectWithANegativeContentLengthReachesTheCallerAsAnIOException() {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 302 X\r\nLocation: /y\r\nContent-Length: -7\r\n\r\n");
        });
        Backend good = backend("good");

        assertThat(outcome(client(h, good, 1_000), get())).isInstanceOf(IOException.class);
    }

    @Test
    void runtimeExceptionFromBelowReachesAnAsyncCallbackAsAnIOExceptionAndKillsNoThread() throws Exception {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            HostileServer.write(s, "HTTP/1.1 302 X\r\nLocation: /y\r\nContent-Length: -7\r\n\r\n");
        });
        OkHttpClient client = client(h, null, 1_000);
        java.util.concurrent.CompletableFuture<Object> result = new java.util.concurrent.CompletableFuture<>();
        List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try {
            client.newCall(get()).enqueue(new okhttp3.Callback() {
                @Override
                public void onFailure(okhttp3.Call call, IOException e) {
                    result.complete(e);
                }

                @Override
                public void onResponse(okhttp3.Call call, Response response) {
                    response.close();
                    result.complete(response.code());
                }
            });
            assertThat(result.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
            Thread.sleep(200); // a bounded grace for the dispatcher thread to die of a rethrown exception
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }

        assertThat(uncaught).as("exceptions that killed a dispatcher thread").isEmpty();
    }

    @Test
    void seededGarbageAnswersReachTheCallerOnlyAsResponsesOrIOExceptions() {
        Random random = new Random(20261129L);
        String[] openings = {"HTTP/1.1 200 OK\r\n", "HTTP/1.1 ", "HTTP/1.0 999 X\r\n", "HTTP/1.1 000 Z\r\n",
                "ICY 200 OK\r\n", "HTTP/1.1 101 Switching\r\n", "HTTP/1.1 204 No\r\nContent-Length: 5\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 302 F\r\nLocation: http://[::1\r\n",
                // a negative Content-Length on a response the interceptor discards (a retried 503, a redirect);
                // on one the caller reads, OkHttp's own body reader throws IllegalArgumentException (not lb4j's)
                "HTTP/1.1 503 X\r\nContent-Length: -7\r\n", "HTTP/1.1 307 X\r\nLocation: /y\r\nContent-Length: -1\r\n", "HTTP/1.1 200 OK\r\nSet-Cookie: =;;;Domain=..\r\n", ""};
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StringBuilder sb = new StringBuilder(openings[random.nextInt(openings.length)]);
            int junk = random.nextInt(40);
            for (int j = 0; j < junk; j++) {
                sb.append((char) random.nextInt(256));
            }
            if (random.nextBoolean()) {
                sb.append("\r\n\r\n");
            }
            answers.add(sb.toString());
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            int n = next.getAndIncrement();
            HostileServer.write(s, answers.get(n % answers.size()));
            if (n % 3 == 0) { // every third connection ends with a reset instead of a FIN
                HostileServer.reset(s);
            }
        });
        Backend good = backend("good");
        OkHttpClient client = client(h, good, 300).newBuilder().retryOnConnectionFailure(false).build();

        for (int i = 0; i < answers.size(); i++) {
            Object result = outcome(client, i % 2 == 0 ? get() : post("p" + i)); // asserts: a response or an IOException
            if (result instanceof String s) {
                assertThat(s).matches("(?s)[0-9]{1,3} .*"); // any status OkHttp accepts, even 000
            }
        }
    }
}
