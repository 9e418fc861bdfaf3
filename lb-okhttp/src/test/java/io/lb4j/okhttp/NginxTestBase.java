package io.lb4j.okhttp;

import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import io.lb4j.pool.LoadBalancingPool;
import okhttp3.CookieJar;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real nginx backends ({@link NginxBackend}) behind lb4j's interceptor at the logical host {@code svc}, as a new
 * user would run them. After each test everything is closed and killed (nginx processes last, whatever
 * failed before), and every pool must have no lease left in flight: a call that ended, however it ended,
 * gave its server back.
 */
abstract class NginxTestBase {
    /** Bound on a wait for the pool to notice a real process's death. */
    static final long WAIT_MILLIS = 15_000;

    @TempDir
    Path dir;
    final ManualTicker ticker = new ManualTicker();
    private final List<NginxBackend> backends = new ArrayList<>();
    private final List<LoadBalancingPool> pools = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Traffic> traffic = new ArrayList<>();

    NginxBackend nginx(String name) throws IOException {
        NginxBackend b = NginxBackend.start(dir, name);
        backends.add(b);
        return b;
    }

    NginxBackend nginx(String name, int stallPort) throws IOException {
        NginxBackend b = NginxBackend.start(dir, name, stallPort);
        backends.add(b);
        return b;
    }

    /** Registers a pool: closed after the test, once its in-flight counts were checked. */
    LoadBalancingPool track(LoadBalancingPool pool) {
        pools.add(pool);
        closeables.add(pool);
        return pool;
    }

    <T extends AutoCloseable> T closing(T t) {
        closeables.add(t);
        return t;
    }

    /** A client as the README shows it: lb4j's interceptor for {@code http://svc/}, bounded timeouts. */
    OkHttpClient client(LoadBalancingPool pool) {
        LoadBalancingInterceptor lb = closing(LoadBalancingInterceptor.builder().pool("svc", pool).build());
        return new OkHttpClient.Builder()
                .cookieJar(Fixtures.clientJar(CookieJar.NO_COOKIES))
                .addInterceptor(lb)
                .connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS)
                .callTimeout(20, TimeUnit.SECONDS)
                .build();
    }

    /** {@code threads} callers sending GETs to {@code url} through {@code client} until stopped. */
    Traffic traffic(OkHttpClient client, String url, int threads) {
        Traffic t = new Traffic(client, url, threads);
        traffic.add(t);
        return t;
    }

    /** Polls {@code condition} (real processes: a bounded wait) and asserts it came true. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
        assertThat(condition.getAsBoolean()).as(what + " within " + WAIT_MILLIS + " ms").isTrue();
    }

    static void awaitState(LoadBalancingPool pool, NginxBackend b, HealthState state) {
        await(b + " " + state, () -> pool.state(b.address()) == state);
    }

    static long picks(LoadBalancingPool pool, NginxBackend b) {
        return pool.stats(b.address()).picks();
    }

    @AfterEach
    void closeEverythingAndCheckNoLeaseIsLeft() throws Exception {
        for (Traffic t : traffic) {
            t.stop(); // the callers end before the leases are counted
        }
        List<String> inFlight = new ArrayList<>();
        for (LoadBalancingPool p : pools) {
            for (EndpointStats s : p.stats()) {
                if (s.inFlight() != 0) {
                    inFlight.add(p.name() + "/" + s.server().id() + ": " + s.inFlight());
                }
            }
        }
        Exception failure = null;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        for (NginxBackend b : backends) {
            try {
                b.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        assertThat(inFlight).as("leases still in flight after the test").isEmpty();
    }
}
