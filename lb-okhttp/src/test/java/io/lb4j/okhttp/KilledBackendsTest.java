package io.lb4j.okhttp;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;
import io.lb4j.config.NginxUpstream;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Availability with backends that are real processes killed with {@code kill -9}: the pool and the
 * interceptor together must be at least as available as the nginx block they replace.
 */
class KilledBackendsTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChildBackend backend(String name) throws IOException {
        ChildBackend b = ChildBackend.start(name);
        closeables.add(b);
        return b;
    }

    private <T extends AutoCloseable> T closing(T t) {
        closeables.add(t);
        return t;
    }

    private static OkHttpClient client(LoadBalancingPool pool) {
        return new OkHttpClient.Builder()
                .cookieJar(Fixtures.clientJar(okhttp3.CookieJar.NO_COOKIES))
                .addInterceptor(LoadBalancingInterceptor.builder().pool("svc", pool).build())
                .connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS).build();
    }

    /** Sends {@code n} GETs; returns how many each backend answered, and "failed" for callers' errors. */
    private static Map<String, Integer> gets(OkHttpClient client, int n) {
        Map<String, Integer> answered = new HashMap<>();
        for (int i = 0; i < n; i++) {
            try (Response r = client.newCall(new Request.Builder().url("http://svc/item/" + i).build()).execute()) {
                answered.merge(r.code() == 200 ? r.body().string() : "status " + r.code(), 1, Integer::sum);
            } catch (IOException e) {
                answered.merge("failed", 1, Integer::sum);
            }
        }
        return answered;
    }

    @Test
    void twoOfThreeKilledWithDefaultSettingsNoCallFails() throws Exception {
        ChildBackend a = backend("a");
        ChildBackend b = backend("b");
        ChildBackend c = backend("c");
        LoadBalancingPool pool = closing(LoadBalancingPool.builder("svc").strategy(new RoundRobin())
                .server(Server.of("127.0.0.1", a.port())).server(Server.of("127.0.0.1", b.port()))
                .server(Server.of("127.0.0.1", c.port())).build());
        OkHttpClient client = client(pool);
        assertThat(gets(client, 30)).containsOnlyKeys("a", "b", "c");
        a.kill();
        b.kill();
        assertThat(gets(client, 300)).containsExactly(Map.entry("c", 300));
        assertThat(pool.state(a.address())).isEqualTo(HealthState.EJECTED);
        assertThat(pool.state(b.address())).isEqualTo(HealthState.EJECTED);
    }

    @Test
    void twoOfThreeKilledBehindAnNginxParsedPoolNoCallFails() throws Exception {
        ChildBackend a = backend("a");
        ChildBackend b = backend("b");
        ChildBackend c = backend("c");
        LoadBalancingPool pool = closing(NginxUpstream.parse("upstream svc { server " + a.address() + "; server "
                + b.address() + "; server " + c.address() + "; }").toPoolBuilder().build());
        OkHttpClient client = client(pool);
        a.kill();
        b.kill();
        assertThat(gets(client, 100)).containsExactly(Map.entry("c", 100));
    }

    @Test
    void bothPrimariesKilledTheBackupAnswersEveryCall() throws Exception {
        ChildBackend a = backend("a");
        ChildBackend b = backend("b");
        ChildBackend d = backend("d");
        LoadBalancingPool pool = closing(NginxUpstream.parse("upstream svc { server " + a.address()
                + " weight=2; server " + b.address() + "; server " + d.address() + " backup; }").toPoolBuilder().build());
        OkHttpClient client = client(pool);
        assertThat(gets(client, 30)).containsOnlyKeys("a", "b");
        a.kill();
        b.kill();
        assertThat(gets(client, 100)).containsExactly(Map.entry("d", 100));
    }

    @Test
    void aKilledAndRestartedBackendServesAgainWithinRiseProbes() throws Exception {
        ChildBackend a = backend("a");
        ChildBackend b = backend("b");
        Duration interval = Duration.ofMillis(250);
        LoadBalancingPool pool = closing(LoadBalancingPool.builder("svc").strategy(new RoundRobin())
                .config(PoolConfig.custom().activeHealth(ActiveHealth.custom(HttpHealthCheck.ofDefaults())
                        .interval(interval).timeout(Duration.ofMillis(200)).rise(2).fall(2).build()).build())
                .server(Server.of("127.0.0.1", a.port())).server(Server.of("127.0.0.1", b.port())).build());
        OkHttpClient client = client(pool);
        a.kill();
        assertThat(gets(client, 20)).containsExactly(Map.entry("b", 20)); // passive health: out at its first refusal
        assertThat(pool.state(a.address())).isEqualTo(HealthState.EJECTED);
        a.restart();
        long restarted = System.nanoTime();
        long deadline = restarted + Duration.ofSeconds(10).toNanos();
        while (pool.state(a.address()) != HealthState.UP && System.nanoTime() < deadline) {
            Thread.sleep(10); // a bounded wait for the real probes; the bound is asserted below
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        assertThat(pool.state(a.address())).isEqualTo(HealthState.UP);
        // rise x interval + one interval = 750 ms, plus 500 ms for scheduling on a loaded 2-core machine;
        // without active checks it would wait for fail_timeout (10 s)
        assertThat(tookMillis).isLessThan(750 + 500);
        assertThat(gets(client, 20)).containsOnlyKeys("a", "b");
    }
}
