package io.lb4j.okhttp;

import io.lb4j.api.EndpointStats;
import io.lb4j.api.Pool;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invariants every hostile scenario ends with: every lease of every endpoint completed (in flight 0,
 * picks = successes + failures + drops), no thread left behind, and nothing but a response or an
 * {@link IOException} reaching the caller.
 */
final class Settled {
    private final Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());

    /** What a call gave its caller: "code body", or the {@link IOException} it threw (anything else fails). */
    static Object outcome(OkHttpClient client, Request request) {
        Call call = client.newCall(request);
        try (Response r = call.execute()) {
            return r.code() + " " + r.body().string();
        } catch (Throwable t) {
            assertThat(t).as("only IOExceptions reach an OkHttp caller").isInstanceOf(IOException.class);
            return t;
        }
    }

    /** Waits (bounded: the tries of real sockets end within their timeouts) for every lease to complete. */
    static void leasesComplete(Pool pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!complete(pool.stats()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        for (EndpointStats s : pool.stats()) {
            assertThat(s.inFlight()).as("in flight on %s", s.server().id()).isZero();
            assertThat(s.successes() + s.failures() + s.drops()).as("completed leases of %s", s.server().id())
                    .isEqualTo(s.picks());
        }
    }

    private static boolean complete(List<EndpointStats> stats) {
        return stats.stream().allMatch(s -> s.inFlight() == 0 && s.successes() + s.failures() + s.drops() == s.picks());
    }

    /**
     * Waits (bounded) until no thread started since this object was made is alive, apart from OkHttp's own
     * and Okio's (its connection pool, dispatcher and timeout watchdog threads idle out on their own schedule) and the JDK's.
     */
    void noThreadLeftBehind() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left = leftBehind();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = leftBehind();
        }
        assertThat(left).as("threads started by the scenario and still alive").isEmpty();
    }

    private List<String> leftBehind() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .filter(n -> !n.startsWith("OkHttp") && !n.startsWith("Okio Watchdog") && !n.startsWith("MockWebServer") && !n.startsWith("ForkJoinPool")
                        && !n.startsWith("process reaper") && !n.startsWith("Attach Listener"))
                .toList();
    }
}
