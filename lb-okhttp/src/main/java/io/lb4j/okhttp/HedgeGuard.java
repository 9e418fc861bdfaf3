package io.lb4j.okhttp;

import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import okhttp3.Call;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.util.List;

/**
 * Confines the tries of hedged requests to the pool, as {@link LogicalCookieJar} confines the other tries: the
 * hedge client follows redirects below anything the interceptor sees, so without this a member's redirect to
 * a host outside the pool would be followed with the caller's headers and body. For an {@link OkHttpClient}
 * hedge factory, {@link #confine} derives a client (sharing its connection pool and dispatcher) whose last
 * application interceptor sends each try with a cookie jar that refuses, before anything is sent, every
 * request to an address that is neither the try's server nor a current member (the jar is where OkHttp's
 * bridge asks for every request it sends, follow-ups included); the refusal reaches the {@link Hedger} as a
 * {@link RedirectRefusedException}. Cookies themselves are the hedge client's jar's, unchanged. Another
 * {@link Call.Factory} is used as it is (it must not follow redirects out of the pool).
 *
 * <p>Stateless and thread-safe; each try's server travels in its request's {@link Try} tag.
 */
final class HedgeGuard {
    /** The tag of a hedged try's request: where it goes, in whose name. */
    record Try(Server server, Pool pool, String logicalHost) {
    }

    private HedgeGuard() {
    }

    /** {@code factory}, with its follow-ups confined to the pool when it is an {@link OkHttpClient}. */
    static Call.Factory confine(Call.Factory factory, CookieScope scope) {
        if (!(factory instanceof OkHttpClient client)) {
            return factory;
        }
        // On OkHttp versions without Chain.withCookieJar the scope needs the client's jar to be a ScopedCookieJar.
        return client.newBuilder()
                .cookieJar(new CookieScope.ScopedCookieJar(CookieScope.ScopedCookieJar.unwrap(client.cookieJar())))
                .addInterceptor(new Guard(scope))
                .build();
    }

    /** The hedge client's last application interceptor: sends a tagged try with a member-only jar. */
    private record Guard(CookieScope scope) implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            Request request = chain.request();
            Try t = request.tag(Try.class);
            if (t == null) {
                return scope.passThrough(chain, request); // a call of the derived client that is not a hedged try
            }
            CookieJar jar = new MemberOnly(scope.clientJar(chain), t);
            try {
                return scope.proceed(chain, jar, request);
            } catch (LogicalCookieJar.OutsidePool e) {
                throw RedirectRefusedException.of(t.logicalHost(), t.server().id(), e.target());
            }
        }
    }

    /** The hedge client's jar for one try: unchanged for members, a refusal for any other address. */
    private record MemberOnly(CookieJar delegate, Try t) implements CookieJar {
        @Override
        public List<Cookie> loadForRequest(HttpUrl url) {
            if (!LogicalCookieJar.isMember(t.server(), t.pool(), url)) {
                throw new LogicalCookieJar.OutsidePool(url, t.pool().name(), t.logicalHost());
            }
            return delegate.loadForRequest(url);
        }

        @Override
        public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
            delegate.saveFromResponse(url, cookies);
        }
    }
}
