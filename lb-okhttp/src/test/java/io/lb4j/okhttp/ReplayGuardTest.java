package io.lb4j.okhttp;

import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ReplayGuard} on its own: which requests may be sent again, and how it sees that one was sent. */
class ReplayGuardTest {
    private static final MediaType TEXT = MediaType.get("text/plain");
    private static final HttpUrl URL = HttpUrl.get("http://orders/x");

    private static Request request(String method, RequestBody body) {
        return new Request.Builder().url(URL).method(method, body).build();
    }

    private static RequestBody oneShot() {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return TEXT;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8("once");
            }

            @Override
            public boolean isOneShot() {
                return true;
            }
        };
    }

    @Test
    void idempotentMethodsWithReplayableBodiesAreReplayable() {
        assertThat(new ReplayGuard(request("GET", null)).replayable()).isTrue();
        assertThat(new ReplayGuard(request("PUT", RequestBody.create("x", TEXT))).replayable()).isTrue();
        assertThat(new ReplayGuard(request("POST", RequestBody.create("x", TEXT))).replayable()).isFalse();
        assertThat(new ReplayGuard(request("PUT", oneShot())).replayable()).isFalse();
        assertThat(new ReplayGuard(request("GET", null).newBuilder().tag(Idempotent.class, Idempotent.NO).build())
                .replayable()).isFalse();
        assertThat(new ReplayGuard(request("POST", RequestBody.create("x", TEXT)).newBuilder()
                .tag(Idempotent.class, Idempotent.YES).build()).replayable()).isTrue();
    }

    @Test
    void replayableRequestGetsNoWrappers() {
        Request get = request("GET", null);
        ReplayGuard guard = new ReplayGuard(get);

        assertThat(guard.track(get)).isSameAs(get);
        assertThat(guard.watch(CookieJar.NO_COOKIES)).isSameAs(CookieJar.NO_COOKIES);
    }

    @Test
    void writtenBodyMeansTheRequestMayHaveBeenSentUntilTheNextTry() throws IOException {
        Request post = request("POST", RequestBody.create("charge", TEXT));
        ReplayGuard guard = new ReplayGuard(post);
        Request tracked = guard.track(post);
        CookieJar watched = guard.watch(CookieJar.NO_COOKIES);
        guard.beginTry();
        watched.loadForRequest(URL); // OkHttp's bridge, once per request it sends
        assertThat(guard.maybeSent()).isFalse();

        Buffer sink = new Buffer();
        tracked.body().writeTo(sink);

        assertThat(sink.readUtf8()).isEqualTo("charge");
        assertThat(guard.maybeSent()).isTrue();
        guard.beginTry();
        watched.loadForRequest(URL);
        assertThat(guard.maybeSent()).isFalse();
    }

    @Test
    void aTryTheWatchedJarNeverSawMayHaveBeenSent() {
        // The jar was bypassed (e.g. an interceptor below sent the request on another thread): no way to tell.
        Request post = request("POST", RequestBody.create("charge", TEXT));
        ReplayGuard guard = new ReplayGuard(post);
        guard.watch(CookieJar.NO_COOKIES);
        guard.beginTry();

        assertThat(guard.maybeSent()).isTrue();
    }

    @Test
    void secondCookieLoadInOneTryIsAFollowUp() {
        ReplayGuard guard = new ReplayGuard(request("DELETE", null).newBuilder().tag(Idempotent.class, Idempotent.NO)
                .build());
        CookieJar watched = guard.watch(CookieJar.NO_COOKIES);
        guard.beginTry();

        List<Cookie> first = watched.loadForRequest(URL);
        boolean afterFirst = guard.maybeSent();
        watched.loadForRequest(URL.resolve("/redirected"));

        assertThat(first).isEmpty();
        assertThat(afterFirst).isFalse();
        assertThat(guard.maybeSent()).isTrue();
    }
}
