package io.lb4j.okhttp;

import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;

/**
 * Scopes the tries of hedged requests to the pool and the logical host, exactly as {@link LogicalCookieJar} scopes
 * every other try: the hedge client follows redirects and stores cookies below anything the interceptor sees,
 * so without this a member's redirect to a host outside the pool would be followed with the caller's headers
 * and body, and a member's cookies would be stored under its address, where the hedge client (or a client
 * sharing its jar) would send them to another logical host's member on that address or to any other server
 * there. For an {@link OkHttpClient} hedge factory, {@link #confine} derives a client (sharing its connection
 * pool and dispatcher) whose last application interceptor sends each try with a {@link LogicalCookieJar} over
 * the hedge client's jar: a request to an address that is neither the try's server nor a current member is
 * refused before anything is sent (a {@link RedirectRefusedException} for the {@link Hedger}), and cookies are
 * loaded and stored for the logical host. Another {@link Call.Factory} is used as it is (it must not follow
 * redirects out of the pool nor keep cookies).
 *
 * <p>Stateless and thread-safe; each try's server and logical URL travel in its request's {@link Try} tag.
 */
final class HedgeGuard {
    /** The tag of a hedged try's request: where it goes, in whose name. */
    record Try(Server server, Pool pool, String logicalHost, HttpUrl logical) {
    }

    private HedgeGuard() {
    }

    /**
     * {@code factory}, with its tries scoped to their pool and logical host when it is an {@link OkHttpClient}.
     *
     * @param sticky lb4j's sticky cookie name (never sent to a server, never stored from one), or null
     */
    static Call.Factory confine(Call.Factory factory, CookieScope scope, String sticky) {
        if (!(factory instanceof OkHttpClient client)) {
            return factory;
        }
        // On OkHttp versions without Chain.withCookieJar the scope needs the client's jar to be a ScopedCookieJar.
        return client.newBuilder()
                .cookieJar(new CookieScope.ScopedCookieJar(CookieScope.ScopedCookieJar.unwrap(client.cookieJar())))
                .addInterceptor(new Guard(scope, sticky))
                .build();
    }

    /** The hedge client's last application interceptor: sends a tagged try with the call's logical jar. */
    private record Guard(CookieScope scope, String sticky) implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            Request request = chain.request();
            Try t = request.tag(Try.class);
            if (t == null) {
                return scope.passThrough(chain, request); // a call of the derived client that is not a hedged try
            }
            LogicalCookieJar jar = new LogicalCookieJar(scope.clientJar(chain), t.logical(), t.pool(), sticky);
            jar.beginTry(t.server());
            try {
                return scope.proceed(chain, jar, request);
            } catch (LogicalCookieJar.OutsidePool e) {
                throw RedirectRefusedException.of(t.logicalHost(), t.server().id(), e.target());
            }
        }
    }
}
