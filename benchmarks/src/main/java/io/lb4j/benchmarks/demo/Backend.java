package io.lb4j.benchmarks.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One real HTTP backend on loopback (the JDK's {@link HttpServer}) with a fixed number of worker
 * threads, so requests beyond them queue as they would on a real server. Each request takes an
 * exponentially distributed time around the backend's mean; while {@link #failing(boolean) failing}
 * it answers {@code 503} at once.
 *
 * <p>Thread-safe.
 */
public final class Backend implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server's header and body segments meet the client's delayed ACK:
        // ~40 ms added to every response. Read once when the JDK's server classes initialise.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String name;
    private final String role;
    private final HttpServer server;
    private final ExecutorService workers;
    private final double meanMillis;
    private volatile boolean failing;
    /** Slow-request mode (the hedging demo): this share of requests takes {@link #slowFactor} times longer. */
    private volatile double slowProbability;
    private volatile double slowFactor = 1;
    private final AtomicLong served = new AtomicLong();

    private Backend(String name, String role, HttpServer server, ExecutorService workers, double meanMillis) {
        this.name = name;
        this.role = role;
        this.server = server;
        this.workers = workers;
        this.meanMillis = meanMillis;
    }

    /**
     * Starts a backend on an ephemeral loopback port.
     *
     * @param name       a short name, e.g. {@code b0}
     * @param role       what it does, e.g. {@code "10x slow"}
     * @param workers    concurrent requests it serves (1..256); more wait in its queue
     * @param meanMillis mean service time in milliseconds
     */
    public static Backend start(String name, String role, int workers, double meanMillis) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "backend-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Backend b = new Backend(name, role, server, pool, meanMillis);
        server.createContext("/", b::handle);
        server.setExecutor(pool);
        server.start();
        return b;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (failing) {
                respond(exchange, 503, "backend " + name + " is failing\n");
                return;
            }
            double u = ThreadLocalRandom.current().nextDouble();
            long nanos = (long) (-meanMillis * 1_000_000 * Math.log(1.0 - u));
            if (slowProbability > 0 && ThreadLocalRandom.current().nextDouble() < slowProbability) {
                nanos = (long) (nanos * slowFactor); // a GC pause, say
            }
            long deadline = System.nanoTime() + nanos;
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            served.incrementAndGet();
            respond(exchange, 200, "ok from " + name + "\n");
        }
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public String name() {
        return name;
    }

    public String role() {
        return role;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String host() {
        return server.getAddress().getAddress().getHostAddress();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234/}. */
    public String url() {
        return "http://" + host() + ":" + port() + "/";
    }

    /** Makes the backend answer 503 at once (true) or serve normally again (false). */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    /** Makes {@code probability} of the requests {@code factor} times slower (the slow-request demo). */
    public void slowRequests(double probability, double factor) {
        this.slowFactor = factor;
        this.slowProbability = probability;
    }

    public boolean isFailing() {
        return failing;
    }

    /** Requests served with 200 since start. */
    public long served() {
        return served.get();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (" + role + ") " + url();
    }
}
