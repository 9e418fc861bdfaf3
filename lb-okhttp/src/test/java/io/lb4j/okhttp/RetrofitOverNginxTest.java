package io.lb4j.okhttp;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthState;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.Test;
import retrofit2.Call;
import retrofit2.Callback;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.scalars.ScalarsConverterFactory;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.POST;
import retrofit2.http.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retrofit on top of OkHttp and lb4j's interceptor, as a user writes it ({@code baseUrl} = the logical host),
 * over real nginx backends killed with {@code kill -9}. Retrofit 3.0 is built against OkHttp 4.12 and runs
 * here on both the OkHttp 5 and the OkHttp 4.12 execution of this module.
 */
class RetrofitOverNginxTest extends NginxTestBase {

    /** The service as a Retrofit user declares it. */
    interface Svc {
        @GET("/")
        Call<String> root();

        @GET("items/{id}")
        Call<String> item(@Path("id") int id);

        @POST("orders")
        Call<String> order(@Body String order);

        @POST("hang")
        Call<String> slowOrder(@Body String order);
    }

    private Svc retrofit(LoadBalancingPool pool) {
        return new Retrofit.Builder()
                .baseUrl("http://svc/")
                .client(client(pool))
                .addConverterFactory(ScalarsConverterFactory.create())
                .build()
                .create(Svc.class);
    }

    private LoadBalancingPool pool(NginxBackend... backends) {
        return track(LoadBalancingPool.builder("svc").strategy(new RoundRobin()).ticker(ticker)
                .servers(List.of(backends).stream().map(NginxBackend::server).toList()).build());
    }

    private static long totalPicks(LoadBalancingPool pool) {
        return pool.stats().stream().mapToLong(EndpointStats::picks).sum();
    }

    /** The body of a successful call, trimmed; anything else fails the test with what happened. */
    private static String answer(Call<String> call) throws IOException {
        Response<String> r = call.execute();
        assertThat(r.isSuccessful()).as("HTTP %s", r.code()).isTrue();
        return r.body().trim();
    }

    @Test
    void getsInALoopAllSucceedWhileABackendIsKilledMidLoop() throws Exception {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = pool(a, b, c);
        Svc svc = retrofit(pool);
        ExecutorService killer = Executors.newSingleThreadExecutor();
        Map<String, Integer> beforeKill = new HashMap<>();
        Map<String, Integer> duringKill = new HashMap<>();
        Map<String, Integer> afterKill = new HashMap<>();
        try {
            for (int i = 0; i < 100; i++) {
                beforeKill.merge(answer(svc.root()), 1, Integer::sum);
            }
            CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> {
                try {
                    b.kill9();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, killer);
            for (int i = 100; i < 200 || !kill.isDone(); i++) { // calls go on while nginx b dies
                duringKill.merge(answer(svc.root()), 1, Integer::sum);
            }
            kill.get(NginxBackend.WAIT_MILLIS, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 100; i++) {
                afterKill.merge(answer(svc.root()), 1, Integer::sum);
            }
        } finally {
            killer.shutdownNow();
        }

        assertThat(beforeKill).containsOnlyKeys("a", "b", "c");
        assertThat(duringKill).containsKeys("a", "c");
        assertThat(afterKill).containsOnlyKeys("a", "c");
        assertThat(afterKill.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(pool.state(b.address())).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void enqueuedCallsAllSucceedWhileABackendIsKilled() throws Exception {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = pool(a, b, c);
        Svc svc = retrofit(pool);
        AtomicInteger ended = new AtomicInteger();
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        Callback<String> callback = new Callback<>() {
            @Override
            public void onResponse(Call<String> call, Response<String> response) {
                if (response.isSuccessful()) {
                    answers.merge(response.body().trim(), 1, Integer::sum);
                } else {
                    failures.add("HTTP " + response.code());
                }
                ended.incrementAndGet();
            }

            @Override
            public void onFailure(Call<String> call, Throwable t) {
                failures.add(t.toString());
                ended.incrementAndGet();
            }
        };
        int sent = 0;
        for (; sent < 100; sent++) {
            svc.item(sent).enqueue(callback); // OkHttp's dispatcher runs them, 5 at a time for host svc
        }
        await("the first 100 calls to end", () -> ended.get() == 100);

        ExecutorService killer = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> {
                try {
                    b.kill9();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, killer);
            while (!kill.isDone()) { // up to 10 calls queued or running while nginx b dies
                if (sent - ended.get() < 10) {
                    svc.item(sent++).enqueue(callback);
                } else {
                    Thread.sleep(1);
                }
            }
            kill.get(NginxBackend.WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } finally {
            killer.shutdownNow();
        }
        for (int i = 0; i < 100; i++) {
            svc.item(sent++).enqueue(callback);
        }
        int total = sent;
        await("all " + total + " calls to end", () -> ended.get() == total);

        assertThat(failures).isEmpty();
        assertThat(answers.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
        assertThat(answers).containsKeys("a", "c");
        assertThat(pool.state(b.address())).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void postsToAKilledServerNotYetConnectedToAreRequeuedAndAllSucceed() throws Exception {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = pool(a, b, c);
        Svc svc = retrofit(pool);

        b.kill9();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(answer(svc.order("order " + i)));
        }

        assertThat(answers).hasSize(30).allMatch(s -> s.equals("a") || s.equals("c"));
        assertThat(picks(pool, b)).isEqualTo(1); // one refused connection: nothing was sent, so requeued
        assertThat(pool.stats(b.address()).failures()).isEqualTo(1);
        assertThat(pool.state(b.address())).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void aPostWrittenOnAKeepAliveConnectionOfAKilledServerFailsAndIsNotSentElsewhere() throws Exception {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = pool(a, b, c);
        Svc svc = retrofit(pool);
        for (int i = 0; i < 9; i++) {
            answer(svc.item(i)); // one pooled keep-alive connection to each, as in a running service
        }
        long picksOfB = picks(pool, b);
        long picksOfOthers = picks(pool, a) + picks(pool, c);

        b.kill9();
        Map<String, Integer> outcomes = new HashMap<>();
        List<IOException> failures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            try {
                outcomes.merge(answer(svc.order("order " + i)), 1, Integer::sum);
            } catch (IOException e) {
                failures.add(e);
            }
        }

        // OkHttp wrote the POST on its pooled connection to b (younger than OkHttp's 10 s idle check), read end of
        // stream, and replayed it on the same server by itself (retryOnConnectionFailure): refused. The request
        // may have been sent, so lb4j does not requeue it (nginx does not pass a sent POST on either).
        assertThat(failures).singleElement().isInstanceOf(java.net.ConnectException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).anySatisfy(s -> assertThat(s)
                        .hasMessageStartingWith("unexpected end of stream")));
        assertThat(outcomes).containsOnlyKeys("a", "c");
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(29);
        assertThat(picks(pool, b) - picksOfB).isEqualTo(1);
        assertThat(picks(pool, a) + picks(pool, c) - picksOfOthers).isEqualTo(29); // the failed POST went nowhere else
        assertThat(pool.state(b.address())).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void postInFlightWhenItsNginxIsKilledFailsAndIsNotSentToAnotherServer() throws Exception {
        StallingUpstream stall = closing(new StallingUpstream());
        List<NginxBackend> backends = List.of(nginx("a", stall.port()), nginx("b", stall.port()), nginx("c", stall.port()));
        LoadBalancingPool pool = pool(backends.toArray(new NginxBackend[0]));
        Svc svc = retrofit(pool);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Call<String> call = svc.slowOrder("order 1");
            CompletableFuture<Response<String>> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return call.execute();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, caller);
            await("the POST to be held at an nginx", () -> stall.received.size() == 1);
            String holder = stall.received.get(0);
            NginxBackend victim = backends.stream().filter(n -> n.name.equals(holder)).findFirst().orElseThrow();

            victim.kill9();
            Throwable failure = failureOf(result);

            assertThat(failure).isInstanceOf(IOException.class).isNotInstanceOf(NoAvailableServerIOException.class);
            assertThat(stall.received).containsExactly(holder); // no other nginx got it
            assertThat(totalPicks(pool)).isEqualTo(1);          // lb4j made one try only
            assertThat(pool.stats(victim.address()).failures()).isEqualTo(1);
        } finally {
            caller.shutdownNow();
        }
    }

    private static Throwable failureOf(CompletableFuture<Response<String>> result) throws Exception {
        try {
            Response<String> r = result.get(NginxBackend.WAIT_MILLIS, TimeUnit.MILLISECONDS);
            throw new AssertionError("expected the call to fail, got HTTP " + r.code());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return cause instanceof java.io.UncheckedIOException u ? u.getCause() : cause;
        } catch (TimeoutException e) {
            throw new AssertionError("the call did not end within " + NginxBackend.WAIT_MILLIS + " ms", e);
        }
    }
}
