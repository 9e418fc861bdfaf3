package io.lb4j.okhttp;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.ByteString;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A {@link StubServer} on OkHttp 5's mockwebserver3. */
final class StubServer5 implements StubServer {
    private final MockWebServer web = new MockWebServer();

    private StubServer5() {
    }

    static StubServer start(InetAddress address, Function<Seen, Reply> handler) throws IOException {
        StubServer5 s = new StubServer5();
        s.web.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                ByteString body = r.getBody();
                return toResponse(handler.apply(new Seen(r.getMethod(), r.getUrl().encodedPath(), r.getTarget(),
                        r.getHeaders(), body == null ? "" : body.utf8(), r.getExchangeIndex())));
            }
        });
        s.web.start(address, 0);
        return s;
    }

    private static MockResponse toResponse(Reply reply) {
        MockResponse.Builder b = new MockResponse.Builder().code(reply.code);
        switch (reply.effect) {
            case STALL -> b.onResponseStart(SocketEffect.Stall.INSTANCE);
            case DROP_CONNECTION -> b.onResponseStart(SocketEffect.ShutdownConnection.INSTANCE);
            default -> { }
        }
        for (String[] h : reply.headers) {
            b.addHeader(h[0], h[1]);
        }
        if (reply.body != null) {
            b.body(reply.body);
        }
        if (reply.headersDelayMillis > 0) {
            b.headersDelay(reply.headersDelayMillis, TimeUnit.MILLISECONDS);
        }
        return b.build();
    }

    @Override
    public int port() {
        return web.getPort();
    }

    @Override
    public void close() {
        web.close();
    }
}
