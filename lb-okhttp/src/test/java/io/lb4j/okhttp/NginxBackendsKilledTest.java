package io.lb4j.okhttp;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.HealthState;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.config.NginxUpstream;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolConfig;
import io.lb4j.pool.internal.PoolInternals;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Three real nginx processes behind lb4j's interceptor, killed with {@code kill -9} while callers send GETs:
 * with the pool's defaults and with a pool parsed from an nginx {@code upstream} block naming the same
 * ports. The pool's clock is a {@link io.lb4j.api.ManualTicker}, so an ejection lasts until the test moves
 * time; the waits are for the real processes only. Calls are counted per backend by the body nginx returns
 * (its name).
 */
class NginxBackendsKilledTest extends NginxTestBase {
    private static final String URL = "http://svc/items/";
    private static final int CALLERS = 4;

    /** lb4j's defaults (nginx passive health max_fails=1 fail_timeout=10s), round robin, on the manual ticker. */
    private LoadBalancingPool defaultPool(NginxBackend... backends) {
        return track(LoadBalancingPool.builder("svc").strategy(new RoundRobin()).ticker(ticker)
                .servers(List.of(backends).stream().map(NginxBackend::server).toList()).build());
    }

    /** {@code upstream svc} with two primaries ({@code max_fails=<maxFails> fail_timeout=30s}) and a backup (defaults). */
    private LoadBalancingPool upstreamPool(int maxFails, NginxBackend a, NginxBackend b, NginxBackend backup) {
        return track(NginxUpstream.parse("upstream svc {\n"
                + "    server " + a.address() + " max_fails=" + maxFails + " fail_timeout=30s;\n"
                + "    server " + b.address() + " max_fails=" + maxFails + " fail_timeout=30s;\n"
                + "    server " + backup.address() + " backup;\n"
                + "}").toPoolBuilder().ticker(ticker).build());
    }

    /** Sends {@code n} GETs one after another; counts answers by body, failures by exception class. */
    private static Map<String, Integer> gets(OkHttpClient client, int n) {
        Map<String, Integer> answered = new HashMap<>();
        for (int i = 0; i < n; i++) {
            try (Response r = client.newCall(new Request.Builder().url(URL + i).build()).execute()) {
                answered.merge(r.code() == 200 ? r.body().string().trim() : "status " + r.code(), 1, Integer::sum);
            } catch (IOException e) {
                answered.merge("failed: " + e.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
        return answered;
    }

    private static IOException failedGet(OkHttpClient client) {
        return catchThrowableOfType(IOException.class, () -> {
            try (Response r = client.newCall(new Request.Builder().url(URL + "x").build()).execute()) {
                throw new AssertionError("expected a failure, got " + r.code() + " " + r.body().string());
            }
        });
    }

    @Test
    void oneKilledMidTrafficNoGetFailsAndTheDeadServerIsPickedNoMore() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = defaultPool(a, b, c);
        Traffic traffic = traffic(client(pool), URL, CALLERS);
        traffic.awaitMore(300);

        b.kill9();
        awaitState(pool, b, HealthState.EJECTED);
        traffic.awaitMore(50); // calls that picked b before its ejection was published have ended
        long picksOfDead = picks(pool, b);
        Map<String, Integer> before = traffic.answers();
        traffic.awaitMore(500);
        Map<String, Integer> after = traffic.stop();

        assertThat(traffic.failures).isEmpty();
        assertThat(after).containsOnlyKeys("a", "b", "c");
        assertThat(after.get("b")).isEqualTo(before.get("b"));
        assertThat(picks(pool, b)).isEqualTo(picksOfDead);
        assertThat(pool.state(b.address())).isEqualTo(HealthState.EJECTED);
        assertThat(pool.state(a.address())).isEqualTo(HealthState.UP);
        assertThat(pool.state(c.address())).isEqualTo(HealthState.UP);
    }

    @Test
    void twoKilledAtOnceMidTrafficEveryGetSucceedsOnTheThird() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = defaultPool(a, b, c);
        Traffic traffic = traffic(client(pool), URL, CALLERS);
        traffic.awaitMore(300);

        NginxBackend.kill9All(List.of(a, b));
        awaitState(pool, a, HealthState.EJECTED);
        awaitState(pool, b, HealthState.EJECTED);
        traffic.awaitMore(50);
        Map<String, Integer> before = traffic.answers();
        traffic.awaitMore(500);
        Map<String, Integer> after = traffic.stop();

        assertThat(traffic.failures).isEmpty();
        assertThat(after.get("a")).isEqualTo(before.get("a"));
        assertThat(after.get("b")).isEqualTo(before.get("b"));
        assertThat(after.get("c") - before.get("c")).isGreaterThanOrEqualTo(500);
    }

    /**
     * The same with resilience4j circuit breakers as passive health and the default 50% ejection cap: the
     * requests in flight when nginx dies end with resets (outliers, which the cap may hold back), the next
     * ones are refused, and a server that refuses connections is out whatever the cap.
     */
    @Test
    void twoKilledAtOnceWithCircuitBreakersEveryGetSucceedsOnTheThird() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig cb = io.github.resilience4j.circuitbreaker
                .CircuitBreakerConfig.custom().slidingWindowType(io.github.resilience4j.circuitbreaker
                        .CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4).minimumNumberOfCalls(2).failureRateThreshold(50)
                .waitDurationInOpenState(java.time.Duration.ofMinutes(5)).build();
        LoadBalancingPool pool = track(LoadBalancingPool.builder("svc").strategy(new RoundRobin()).ticker(ticker)
                .config(io.lb4j.pool.PoolConfig.custom().passiveHealth(io.lb4j.pool.CircuitBreakerHealth.of(cb))
                        .build())
                .servers(List.of(a, b, c).stream().map(NginxBackend::server).toList()).build());
        Traffic traffic = traffic(client(pool), URL, CALLERS);
        traffic.awaitMore(300);

        NginxBackend.kill9All(List.of(a, b));
        awaitState(pool, a, HealthState.EJECTED);
        awaitState(pool, b, HealthState.EJECTED);
        traffic.awaitMore(50);
        Map<String, Integer> before = traffic.answers();
        traffic.awaitMore(500);
        Map<String, Integer> after = traffic.stop();

        assertThat(traffic.failures).isEmpty();
        assertThat(after.get("a")).isEqualTo(before.get("a"));
        assertThat(after.get("b")).isEqualTo(before.get("b"));
        assertThat(after.get("c") - before.get("c")).isGreaterThanOrEqualTo(500);
        assertThat(pool.eligible()).extracting(e -> e.server().id()).containsExactly(c.server().id());
    }

    @Test
    void masterKilledAloneItsOrphanedWorkerGoesOnServingAndStaysUp() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = defaultPool(a, b, c);
        Traffic traffic = traffic(client(pool), URL, CALLERS);
        traffic.awaitMore(300);

        b.kill9MasterOnly();
        Map<String, Integer> before = traffic.answers();
        traffic.awaitMore(300);
        Map<String, Integer> after = traffic.stop();

        assertThat(traffic.failures).isEmpty();
        assertThat(after.get("b")).isGreaterThan(before.get("b")); // nginx workers outlive their master
        assertThat(pool.state(b.address())).isEqualTo(HealthState.UP);
        assertThat(pool.stats(b.address()).failures()).isZero();
    }

    @Test
    void workerKilledAloneTheMasterForksAnotherAndNoGetFails() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = defaultPool(a, b, c);
        Traffic traffic = traffic(client(pool), URL, CALLERS);
        traffic.awaitMore(300);

        long killed = b.kill9Workers().get(0);
        traffic.awaitMore(300);
        traffic.stop();

        assertThat(traffic.failures).isEmpty();
        await("nginx b's master to log its worker's death",
                () -> b.errorLog().contains("worker process " + killed + " exited on signal 9"));
        assertThat(b.workerPids()).hasSize(1).doesNotContain(killed);
    }

    @Test
    void upstreamMaxFailsTwoEjectsAfterTwoRefusalsAndTriesAgainAfterFailTimeout() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend d = nginx("d");
        LoadBalancingPool pool = upstreamPool(2, a, b, d);
        OkHttpClient client = client(pool);
        assertThat(gets(client, 20)).containsOnlyKeys("a", "b");

        a.kill9();
        long picksBefore = picks(pool, a);
        Map<String, Integer> whileFailing = gets(client, 20);
        long picksToEject = picks(pool, a) - picksBefore;
        HealthState ejected = pool.state(a.address());
        ticker.advance(Duration.ofSeconds(29));
        Map<String, Integer> withinFailTimeout = gets(client, 20);
        long picksWithin = picks(pool, a) - picksBefore;
        ticker.advance(Duration.ofSeconds(2)); // fail_timeout=30s has passed: one trial call for a
        Map<String, Integer> afterFailTimeout = gets(client, 20);

        assertThat(whileFailing).containsExactly(Map.entry("b", 20));
        assertThat(picksToEject).isEqualTo(2);          // max_fails=2: two refused tries, both requeued on b
        assertThat(ejected).isEqualTo(HealthState.EJECTED);
        assertThat(withinFailTimeout).containsExactly(Map.entry("b", 20));
        assertThat(picksWithin).isEqualTo(2);
        assertThat(afterFailTimeout).containsExactly(Map.entry("b", 20));
        assertThat(picks(pool, a) - picksBefore).isEqualTo(3); // the trial was refused: ejected again at once
        assertThat(pool.state(a.address())).isEqualTo(HealthState.EJECTED);
        assertThat(picks(pool, d)).isZero();
    }

    @Test
    void bothPrimariesKilledAtOnceMidTrafficTheBackupAnswers() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend d = nginx("d");
        LoadBalancingPool pool = upstreamPool(3, a, b, d);
        Traffic traffic = traffic(client(pool), URL, CALLERS);
        traffic.awaitMore(300);
        assertThat(traffic.answers()).containsOnlyKeys("a", "b");

        NginxBackend.kill9All(List.of(a, b));
        awaitState(pool, a, HealthState.EJECTED);
        awaitState(pool, b, HealthState.EJECTED);
        traffic.awaitMore(50);
        Map<String, Integer> before = traffic.answers();
        traffic.awaitMore(500);
        Map<String, Integer> after = traffic.stop();

        assertThat(traffic.failures).isEmpty();
        assertThat(after.get("a")).isEqualTo(before.get("a"));
        assertThat(after.get("b")).isEqualTo(before.get("b"));
        assertThat(after.get("d") - before.getOrDefault("d", 0)).isGreaterThanOrEqualTo(500);
    }

    @Test
    void aCallThatFindsEveryPrimaryRefusingGoesOnToTheBackupAsNginxDoes() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend d = nginx("d");
        LoadBalancingPool pool = upstreamPool(3, a, b, d);
        OkHttpClient client = client(pool);

        NginxBackend.kill9All(List.of(a, b));
        Map<String, Integer> first = gets(client, 1);

        assertThat(first).containsExactly(Map.entry("d", 1));   // a and b refused, then the backup within the call
        assertThat(pool.state(a.address())).isEqualTo(HealthState.UP); // max_fails=3: one failure each so far
        assertThat(pool.state(b.address())).isEqualTo(HealthState.UP);
        assertThat(pool.stats(a.address()).failures()).isEqualTo(1);
        assertThat(pool.stats(b.address()).failures()).isEqualTo(1);
        assertThat(gets(client, 20)).containsExactly(Map.entry("d", 20));
    }

    @Test
    void allKilledCallsFailWithNoAvailableServerUntilRestartedServersAreTriedAfterFailTimeout() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend d = nginx("d");
        LoadBalancingPool pool = upstreamPool(2, a, b, d);
        OkHttpClient client = client(pool);
        assertThat(gets(client, 10)).containsOnlyKeys("a", "b");

        NginxBackend.kill9All(List.of(a, b, d));
        Map<String, Integer> whileDying = gets(client, 10);   // max_fails=2: each refusal counts
        IOException onceAllAreOut = failedGet(client);
        long picks = pool.stats().stream().mapToLong(s -> s.picks()).sum();
        for (NginxBackend n : List.of(a, b, d)) {
            n.restart();
        }
        IOException restartedButStillOut = failedGet(client); // passive health only: the pool cannot know yet
        long picksAfterRestart = pool.stats().stream().mapToLong(s -> s.picks()).sum();
        ticker.advance(Duration.ofSeconds(31));                // past every fail_timeout (d's default: 10s)
        Map<String, Integer> afterFailTimeout = gets(client, 20);

        // two calls find out (each refusal counts towards max_fails=2, each call tries every server it may), then
        // every server is ejected and calls fail at once without sending anything
        assertThat(whileDying).containsOnly(Map.entry("failed: ConnectException", 2),
                Map.entry("failed: NoAvailableServerIOException", 8));
        assertThat(onceAllAreOut).isInstanceOf(NoAvailableServerIOException.class)
                .hasMessage("pool 'svc' has no available server: all 3 servers are ejected");
        assertThat(((NoAvailableServerIOException) onceAllAreOut).reason())
                .isEqualTo(NoAvailableServerException.Reason.NONE_AVAILABLE);
        assertThat(restartedButStillOut).isInstanceOf(NoAvailableServerIOException.class);
        assertThat(picksAfterRestart).isEqualTo(picks);        // a refused pick sends nothing anywhere
        assertThat(afterFailTimeout).containsOnlyKeys("a", "b");
        assertThat(pool.state(a.address())).isEqualTo(HealthState.UP);
        assertThat(pool.state(b.address())).isEqualTo(HealthState.UP);
    }

    @Test
    void allKilledActiveHttpChecksTakeThemOutAndBringThemBackAfterRestart() throws IOException {
        NginxBackend a = nginx("a");
        NginxBackend b = nginx("b");
        NginxBackend c = nginx("c");
        LoadBalancingPool pool = track(PoolInternals.manualHealthChecks(LoadBalancingPool.builder("svc")
                        .strategy(new RoundRobin()).ticker(ticker)
                        .config(PoolConfig.custom().activeHealth(ActiveHealth.custom(
                                        HttpHealthCheck.custom().path(NginxBackend.HEALTH_PATH).expectBodyContains("ok").build())
                                .rise(2).fall(1).timeout(Duration.ofSeconds(2)).build()).build()))
                .servers(List.of(a.server(), b.server(), c.server())).build());
        OkHttpClient client = client(pool);
        PoolInternals.checkHealthNow(pool);
        assertThat(gets(client, 9)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 3, "b", 3, "c", 3));

        NginxBackend.kill9All(List.of(a, b, c));
        PoolInternals.checkHealthNow(pool);                    // fall=1: every probe refused
        long picks = pool.stats().stream().mapToLong(s -> s.picks()).sum();
        IOException whileDown = failedGet(client);
        long picksAfterFailedCall = pool.stats().stream().mapToLong(s -> s.picks()).sum();
        for (NginxBackend n : List.of(a, b, c)) {
            n.restart();
        }
        PoolInternals.checkHealthNow(pool);
        boolean upAfterOnePass = pool.state(a.address()) == HealthState.UP;
        PoolInternals.checkHealthNow(pool);                    // rise=2
        Map<String, Integer> afterRecovery = gets(client, 9);

        assertThat(whileDown).isInstanceOf(NoAvailableServerIOException.class)
                .hasMessageStartingWith("pool 'svc' has no available server");
        assertThat(picksAfterFailedCall).isEqualTo(picks);     // nothing was tried
        assertThat(upAfterOnePass).isFalse();
        assertThat(afterRecovery).containsExactlyInAnyOrderEntriesOf(Map.of("a", 3, "b", 3, "c", 3));
    }
}
