package io.lb4j.okhttp;

import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.BufferedSink;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Replay safety of one call: whether its request may be sent again after it reached a server
 * ({@link #replayable()}: idempotent and a body that is not one-shot), and, for a request that may not,
 * whether a try that failed with a connect-phase error had in fact sent it.
 *
 * <p>The exception alone cannot tell: OkHttp follows redirects (and may retry a stale connection) below
 * application interceptors, so a connect failure can come from a follow-up after the request itself was
 * answered. For a request that must not be replayed, the guard therefore wraps its body (to see it
 * written) and the chain's cookie jar (OkHttp's bridge loads cookies once per request it sends, so a
 * second load within one try is a follow-up). Erring this way only forgoes a requeue. A replayable
 * request needs none of this and gets no wrappers.
 *
 * <p>One guard per call, used by one try at a time; the flags are volatile because OkHttp may write the
 * body on another thread (duplex bodies).
 */
final class ReplayGuard {
    private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final boolean replayable;
    private volatile boolean written;
    private volatile int requests;

    ReplayGuard(Request request) {
        RequestBody body = request.body();
        this.replayable = isIdempotent(request) && (body == null || !body.isOneShot());
    }

    /** Whether the request may be sent again after it reached a server. */
    boolean replayable() {
        return replayable;
    }

    /** The request to send: with a body that reports being written, when that matters. */
    Request track(Request request) {
        RequestBody body = request.body();
        if (replayable || body == null) {
            return request;
        }
        return request.newBuilder().method(request.method(), new Tracked(body)).build();
    }

    /** The cookie jar for the chain: one that counts the requests OkHttp sends, when that matters. */
    CookieJar watch(CookieJar jar) {
        return replayable ? jar : new Counting(jar);
    }

    /** Resets what the guard saw, before each try. */
    void beginTry() {
        written = false;
        requests = 0;
    }

    /**
     * Whether this try may have sent the request: its body was written, or a follow-up was started, or (for
     * a request that must not be replayed) the watched jar saw no request at all: it was bypassed, e.g. by an
     * interceptor below that sent the request on another thread, so the guard cannot tell and assumes sent.
     */
    boolean maybeSent() {
        return written || requests > 1 || (!replayable && requests == 0);
    }

    /** GET, HEAD, OPTIONS, TRACE, PUT, DELETE, unless an {@link Idempotent} tag says otherwise. */
    static boolean isIdempotent(Request request) {
        Idempotent tag = request.tag(Idempotent.class);
        if (tag != null) {
            return tag == Idempotent.YES;
        }
        return IDEMPOTENT_METHODS.contains(request.method());
    }

    private final class Tracked extends RequestBody {
        private final RequestBody delegate;

        Tracked(RequestBody delegate) {
            this.delegate = delegate;
        }

        @Override
        public MediaType contentType() {
            return delegate.contentType();
        }

        @Override
        public long contentLength() throws IOException {
            return delegate.contentLength();
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            written = true;
            delegate.writeTo(sink);
        }

        @Override
        public boolean isDuplex() {
            return delegate.isDuplex();
        }

        @Override
        public boolean isOneShot() {
            return delegate.isOneShot();
        }
    }

    private final class Counting implements CookieJar {
        private final CookieJar delegate;

        Counting(CookieJar delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<Cookie> loadForRequest(HttpUrl url) {
            requests++; // one try at a time per call
            return delegate.loadForRequest(url);
        }

        @Override
        public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
            delegate.saveFromResponse(url, cookies);
        }
    }
}
