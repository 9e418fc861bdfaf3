package io.lb4j.okhttp;

import io.lb4j.api.Server;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on loopback (a MockWebServer) standing for one backend: answers {@code 200} with its
 * name as body unless told otherwise, answers {@code /health} with {@link #healthStatus}, and records
 * every non-health request.
 */
final class Backend implements AutoCloseable {
    final String name;
    final MockWebServer web = new MockWebServer();
    final AtomicInteger hits = new AtomicInteger();
    final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    volatile Function<RecordedRequest, MockResponse> handler;
    volatile int healthStatus = 200;
    private volatile boolean closed;

    Backend(String name) {
        this.name = name;
        this.handler = r -> ok(name);
        web.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if ("/health".equals(request.getUrl().encodedPath())) {
                    return new MockResponse.Builder().code(healthStatus).body("health " + healthStatus).build();
                }
                hits.incrementAndGet();
                requests.add(request);
                return handler.apply(request);
            }
        });
        try {
            web.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MockResponse ok(String body) {
        return new MockResponse.Builder().code(200).body(body).build();
    }

    static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).body("status " + code).build();
    }

    void answer(int code) {
        handler = r -> status(code);
    }

    int port() {
        return web.getPort();
    }

    /** The pool member for this backend, id = its name. */
    Server server() {
        return Server.builder("127.0.0.1", port()).id(name).build();
    }

    /** The pool member for this backend with a weight. */
    Server server(int weight) {
        return Server.builder("127.0.0.1", port()).id(name).weight(weight).build();
    }

    RecordedRequest lastRequest() {
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
