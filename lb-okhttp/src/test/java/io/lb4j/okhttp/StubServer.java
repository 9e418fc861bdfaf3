package io.lb4j.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.util.function.Function;

/**
 * The MockWebServer behind a {@link Backend}: OkHttp 5's mockwebserver3, or OkHttp 4.12's
 * okhttp3.mockwebserver when the tests run on OkHttp 4.12 (lb-okhttp's on-okhttp-4 Surefire execution,
 * where mockwebserver3, which needs OkHttp 5's internals, is not on the class path). Both are compiled
 * into the tests; only the one for the OkHttp present is loaded.
 */
interface StubServer extends AutoCloseable {
    int port();

    @Override
    void close();

    /** Starts a server on loopback, any free port, answering each request with {@code handler}. */
    static StubServer start(Function<Seen, Reply> handler) {
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            return onOkHttp4() ? StubServer4.start(loopback, handler) : StubServer5.start(loopback, handler);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether the tests run on OkHttp 4 (lb-okhttp's on-okhttp-4 execution). */
    static boolean onOkHttp4() {
        return OkHttpSupport.version().startsWith("4.");
    }
}
