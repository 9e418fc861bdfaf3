package io.lb4j.okhttp;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A {@link StubServer} on OkHttp 4.12's okhttp3.mockwebserver (loaded only when OkHttp 4.12 is present). */
final class StubServer4 implements StubServer {
    private final MockWebServer web = new MockWebServer();

    private StubServer4() {
    }

    static StubServer start(InetAddress address, Function<Seen, Reply> handler) throws IOException {
        StubServer4 s = new StubServer4();
        s.web.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String target = r.getPath();
                return toResponse(handler.apply(new Seen(r.getMethod(), r.getRequestUrl().encodedPath(), target,
                        r.getHeaders(), r.getBody().clone().readUtf8(), r.getSequenceNumber())));
            }
        });
        s.web.start(address, 0);
        return s;
    }

    private static MockResponse toResponse(Reply reply) {
        MockResponse m = new MockResponse().setResponseCode(reply.code); // an empty body until setBody
        switch (reply.effect) {
            case STALL -> m.setSocketPolicy(SocketPolicy.NO_RESPONSE);
            case DROP_CONNECTION -> m.setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
            default -> { }
        }
        for (String[] h : reply.headers) {
            m.addHeader(h[0], h[1]);
        }
        if (reply.body != null) {
            m.setBody(reply.body);
        }
        if (reply.headersDelayMillis > 0) {
            m.setHeadersDelay(reply.headersDelayMillis, TimeUnit.MILLISECONDS);
        }
        return m;
    }

    @Override
    public int port() {
        return web.getPort();
    }

    @Override
    public void close() {
        try {
            web.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
