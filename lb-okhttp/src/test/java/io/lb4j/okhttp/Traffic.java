package io.lb4j.okhttp;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Callers on their own threads sending GETs through one client until stopped, so that a backend can be killed
 * while requests are in flight. Each answer is counted by its body (a backend's name) or as
 * {@code "status N"}; each failed call is kept with its exception.
 *
 * <p>Thread-safe: the counters are concurrent; {@link #stop()} may be called from any thread, more than once.
 */
final class Traffic {
    /** Bound on waiting for calls to be made, and for the callers to stop. */
    static final long WAIT_MILLIS = 30_000;

    private final OkHttpClient client;
    private final String url;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean stopped;

    Traffic(OkHttpClient client, String url, int callers) {
        this.client = client;
        this.url = url;
        for (int i = 0; i < callers; i++) {
            Thread t = new Thread(this::run, "traffic-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void run() {
        int i = 0;
        while (!stopped) {
            Request request = new Request.Builder().url(url + (i++)).build();
            try (Response r = client.newCall(request).execute()) {
                String body = r.body().string().trim();
                answers.computeIfAbsent(r.code() == 200 ? body : "status " + r.code(), k -> new AtomicInteger())
                        .incrementAndGet();
            } catch (IOException | RuntimeException e) {
                failures.add(e.toString());
            }
            calls.incrementAndGet();
        }
    }

    /** Calls ended so far, answered or failed. */
    int calls() {
        return calls.get();
    }

    /** Waits (bounded) until {@code more} calls beyond the current count have ended. */
    void awaitMore(int more) {
        int target = calls.get() + more;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (calls.get() < target) {
            if (System.nanoTime() > deadline || threads.stream().noneMatch(Thread::isAlive)) {
                throw new AssertionError("only " + calls.get() + " of " + target + " calls ended within "
                        + WAIT_MILLIS + " ms; failures: " + failures);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Answers so far by body, sorted. */
    Map<String, Integer> answers() {
        Map<String, Integer> copy = new TreeMap<>();
        answers.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Stops the callers and waits (bounded) for their last calls to end; returns the answers. */
    Map<String, Integer> stop() {
        stopped = true;
        for (Thread t : threads) {
            try {
                t.join(WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " still in a call " + WAIT_MILLIS + " ms after stop");
            }
        }
        return answers();
    }
}
