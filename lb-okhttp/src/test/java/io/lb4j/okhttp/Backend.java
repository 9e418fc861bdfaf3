package io.lb4j.okhttp;

import io.lb4j.api.Server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on loopback (a MockWebServer, see {@link StubServer}) standing for one backend: answers
 * {@code 200} with its name as body unless told otherwise, answers {@code /health} with {@link #healthStatus},
 * and records every non-health request.
 */
final class Backend implements AutoCloseable {
    final String name;
    private final StubServer web;
    final AtomicInteger hits = new AtomicInteger();
    final List<Seen> requests = new CopyOnWriteArrayList<>();
    volatile Function<Seen, Reply> handler;
    volatile int healthStatus = 200;
    private volatile boolean closed;

    Backend(String name) {
        this.name = name;
        this.handler = r -> ok(name);
        this.web = StubServer.start(request -> {
            if ("/health".equals(request.path())) {
                return Reply.status(healthStatus).body("health " + healthStatus);
            }
            hits.incrementAndGet();
            requests.add(request);
            return handler.apply(request);
        });
    }

    static Reply ok(String body) {
        return Reply.status(200).body(body);
    }

    static Reply status(int code) {
        return Reply.status(code).body("status " + code);
    }

    void answer(int code) {
        handler = r -> status(code);
    }

    int port() {
        return web.port();
    }

    /** The pool member for this backend, id = its name. */
    Server server() {
        return Server.builder("127.0.0.1", port()).id(name).build();
    }

    /** The pool member for this backend with a weight. */
    Server server(int weight) {
        return Server.builder("127.0.0.1", port()).id(name).weight(weight).build();
    }

    Seen lastRequest() {
        return requests.get(requests.size() - 1);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            web.close();
        }
    }
}
