package io.lb4j.okhttp;

import io.lb4j.api.Server;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lb4j.okhttp.Settled.outcome;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries and hedges against hostile backends ({@link HostileServer}): a server that sends the first byte of
 * its answer and then stalls, a fleet that resets every request. The retry budget must hold, a
 * non-idempotent body must reach one server only, and every lease (the hedge's loser too) must end.
 */
class HostileRetriesTest extends HostileTestBase {
    /** Sends the first byte of a status line, then nothing. */
    private static final HostileServer.Behaviour FIRST_BYTE_THEN_STALL = (s, srv) -> {
        srv.readRequest(s);
        HostileServer.write(s, "H");
        HostileServer.hang(s);
    };

    @Test
    void firstByteThenStallHitsTheReadTimeoutAndMovesAGetToTheGoodServer() {
        HostileServer h = hostile(FIRST_BYTE_THEN_STALL);
        Backend good = backend("good");
        pool = poolOf("svc", TestStrategies.first(), NO_PASSIVE, List.of(h.server("h"), good.server()));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("svc", pool).build(), dns)
                .readTimeout(300, TimeUnit.MILLISECONDS).build();

        assertThat(outcome(client, Fixtures.get("http://svc/x"))).isEqualTo("200 good");
        assertThat(pool.stats("h").failures()).isEqualTo(1);
    }

    @Test
    void firstByteThenStallOfAPostIsAFailureAndTheBodyGoesNowhereElse() {
        HostileServer h = hostile(FIRST_BYTE_THEN_STALL);
        Backend good = backend("good");
        pool = poolOf("svc", TestStrategies.first(), NO_PASSIVE, List.of(h.server("h"), good.server()));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("svc", pool).build(), dns)
                .readTimeout(300, TimeUnit.MILLISECONDS).build();
        Request post = new Request.Builder().url("http://svc/pay").post(RequestBody.create("once", TEXT)).build();

        assertThat(outcome(client, post)).isInstanceOf(SocketTimeoutException.class);
        assertThat(h.bodies).containsExactly("once");
        assertThat(good.hits.get()).isZero();
    }

    @Test
    void hedgeAnswersWhenTheFirstServerSendsOneByteAndStallsAndTheLoserEndsAtItsReadTimeout() {
        HostileServer h = hostile(FIRST_BYTE_THEN_STALL);
        Backend good = backend("good");
        pool = poolOf("svc", TestStrategies.first(), NO_PASSIVE, List.of(h.server("h"), good.server()));
        OkHttpClient hedgeClient = new OkHttpClient.Builder().dns(dns).readTimeout(3, TimeUnit.SECONDS).build();
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().hedging(HedgingConfig.custom().delay(Duration.ofMillis(100))
                        .budget(RetryBudgetConfig.custom().percentCanRetry(1.0).minRetriesPerSecond(0).build())
                        .build()).build())
                .hedgeCallFactory(hedgeClient).build();
        OkHttpClient client = Fixtures.client(lb, dns).build();

        long start = System.nanoTime();
        Object result = outcome(client, Fixtures.get("http://svc/x"));

        assertThat(result).isEqualTo("200 good");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("not the loser's read timeout")
                .isLessThan(2_500);
        assertThat(lb.hedgesSent()).isEqualTo(1);
        assertThat(lb.hedgeWins()).isEqualTo(1);
        assertThat(pool.stats("h").failures()).isZero();
        // the loser's lease ends with its read timeout (the AfterEach waits for it, bounded): a drop, never a failure
    }

    @Test
    void aLosersLateResponseThatOkHttpCannotCloseKillsNoDispatcherThread() throws Exception {
        HostileServer h = hostile((s, srv) -> {
            srv.readRequest(s);
            Thread.sleep(400); // answers after the hedge won
            HostileServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: -7\r\n\r\n");
            HostileServer.hang(s);
        });
        Backend good = backend("good");
        pool = poolOf("svc", TestStrategies.first(), NO_PASSIVE, List.of(h.server("h"), good.server()));
        OkHttpClient hedgeClient = new OkHttpClient.Builder().dns(dns).readTimeout(3, TimeUnit.SECONDS).build();
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().hedging(HedgingConfig.custom().delay(Duration.ofMillis(100))
                        .budget(RetryBudgetConfig.custom().percentCanRetry(1.0).minRetriesPerSecond(0).build())
                        .build()).build())
                .hedgeCallFactory(hedgeClient).build();
        OkHttpClient client = Fixtures.client(lb, dns).build();
        List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try {
            assertThat(outcome(client, Fixtures.get("http://svc/x"))).isEqualTo("200 good");
            Settled.leasesComplete(pool); // the loser's response came and was closed (or failed to close)
            Thread.sleep(200); // a bounded grace for a dispatcher thread to die of what the callback threw
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }

        assertThat(uncaught).as("exceptions that killed a thread").isEmpty();
        assertThat(pool.stats("h").drops()).isEqualTo(1);
    }

    @Test
    void retryBudgetHoldsAgainstAFleetThatResetsEveryRequest() {
        List<HostileServer> fleet = new ArrayList<>();
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HostileServer h = hostile((s, srv) -> {
                srv.readRequest(s);
                HostileServer.reset(s);
            });
            fleet.add(h);
            servers.add(h.server("h" + i));
        }
        pool = poolOf("svc", TestStrategies.rotation(), NO_PASSIVE, servers);
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("svc", pool)
                .retryBudget(RetryBudgetConfig.custom().percentCanRetry(0.2).minRetriesPerSecond(0).build())
                .ticker(ticker).build();
        // OkHttp's own replay of a failed connection is off: every request counted here is one of lb4j's tries
        OkHttpClient client = Fixtures.client(lb, dns).retryOnConnectionFailure(false).build();

        int calls = 50;
        for (int i = 0; i < calls; i++) {
            assertThat(outcome(client, Fixtures.get("http://svc/x"))).isInstanceOf(IOException.class);
        }

        int tries = fleet.stream().mapToInt(h -> h.heads.size()).sum();
        assertThat(tries).as("calls plus at most 20% retries (no reserve), not maxTries x calls")
                .isBetween(calls, calls + calls / 5);
    }
}
