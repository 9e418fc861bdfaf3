package io.lb4j.okhttp;

import okhttp3.Call;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.Interceptor.Chain;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * How a balanced call's own cookie jar (a {@link LogicalCookieJar}, watched by {@link ReplayGuard}) is put
 * in front of OkHttp's {@code BridgeInterceptor}, which loads and stores the cookies of every request it
 * sends, follow-ups included. Everything the jar decides is the same on every OkHttp; only the delivery
 * differs:
 * <ul>
 *   <li>{@link #CHAIN} (OkHttp 5.4 and later): {@code Interceptor.Chain.withCookieJar}, per call, public API;
 *       nothing to install.</li>
 *   <li>{@link #THREAD} (OkHttp 4.12, and 5.0 to 5.3): the bridge uses the client's own jar, which must be
 *       the one {@link LoadBalancingInterceptor#cookieJar(CookieJar)} returns ({@link ScopedCookieJar}).
 *       While the interceptor runs {@code chain.proceed} for a try, a thread-local scope on the calling
 *       thread makes that jar act as the call's jar: the bridge runs inside {@code proceed} on that thread,
 *       for {@code execute()} and {@code enqueue()} alike. Before anything is sent, the call's client is
 *       checked to have that jar ({@code RealCall.getClient()}, public in OkHttp 4.12, whose API no longer
 *       changes); a client without it fails with an {@link IllegalStateException} saying how to install it,
 *       so a call is never sent unscoped.</li>
 * </ul>
 * Stateless and thread-safe; the scope lives on the stack of the thread that runs the call.
 */
enum CookieScope {
    CHAIN {
        @Override
        CookieJar clientJar(Chain chain) {
            return ScopedCookieJar.unwrap(chain.getCookieJar());
        }

        @Override
        Response proceed(Chain chain, CookieJar callJar, Request request) throws IOException {
            return chain.withCookieJar(callJar).proceed(request);
        }

        @Override
        Response passThrough(Chain chain, Request request) throws IOException {
            return chain.proceed(request);
        }
    },
    THREAD {
        @Override
        CookieJar clientJar(Chain chain) {
            CookieJar jar = jarOfClient(chain.call());
            if (!(jar instanceof ScopedCookieJar)) {
                throw new IllegalStateException("lb-okhttp on OkHttp " + OkHttpSupport.version() + " needs the client's "
                        + "cookie jar to be LoadBalancingInterceptor.cookieJar(yourJar): new OkHttpClient.Builder()"
                        + ".cookieJar(LoadBalancingInterceptor.cookieJar(CookieJar.NO_COOKIES)).addInterceptor(lb); the"
                        + " client's jar is " + (jar == null ? "unknown" : jar.getClass().getName()) + " (request to "
                        + "a logical host not sent; OkHttp 5.4 or later needs no jar, see the README)");
            }
            return ((ScopedCookieJar) jar).delegate();
        }

        @Override
        Response proceed(Chain chain, CookieJar callJar, Request request) throws IOException {
            return withScope(jarOfClient(chain.call()), callJar, chain, request);
        }

        @Override
        Response passThrough(Chain chain, Request request) throws IOException {
            // A call to a host that is not logical, nested in a balanced call on the same thread (e.g. from
            // an Authenticator): the client's jar must see no scope.
            return withScope(null, null, chain, request);
        }
    };

    /** The try running {@code proceed} on this thread (THREAD only), or null: every client jar as it is. */
    private static final ThreadLocal<Scope> SCOPE = new ThreadLocal<>();

    /** A try's call jar, for the installed jar of the client sending it only (not for another client's). */
    private record Scope(CookieJar owner, CookieJar callJar) {
        CookieJar jarFor(ScopedCookieJar installed) {
            return installed == owner ? callJar : installed.delegate();
        }
    }

    /** The client's own cookie jar (the user's), for the sticky cookie and under the call's jar. */
    abstract CookieJar clientJar(Chain chain);

    /** {@code chain.proceed(request)} with {@code callJar} as the cookie jar of everything OkHttp sends. */
    abstract Response proceed(Chain chain, CookieJar callJar, Request request) throws IOException;

    /** {@code chain.proceed(request)} for a request the interceptor does not balance. */
    abstract Response passThrough(Chain chain, Request request) throws IOException;

    /** The scope for the OkHttp on the class path. */
    static CookieScope forThisOkHttp() {
        return OkHttpSupport.hasChainCookieJar() ? CHAIN : THREAD;
    }

    /**
     * @param owner   the client's installed jar, which acts as {@code callJar} while {@code proceed} runs; null
     *                for a request no call jar applies to
     */
    private static Response withScope(CookieJar owner, CookieJar callJar, Chain chain, Request request) throws IOException {
        Scope outer = SCOPE.get();
        SCOPE.set(owner == null ? null : new Scope(owner, callJar));
        try {
            return chain.proceed(request);
        } finally {
            if (outer == null) {
                SCOPE.remove(); // nothing left behind on a pooled dispatcher thread
            } else {
                SCOPE.set(outer);
            }
        }
    }

    /** {@code call}'s client's cookie jar, or null when the call does not say (not OkHttp's own call). */
    private static CookieJar jarOfClient(Call call) {
        MethodHandle getClient = CLIENT_GETTERS.get(call.getClass());
        if (getClient == null) {
            return null;
        }
        try {
            return ((OkHttpClient) getClient.invoke(call)).cookieJar();
        } catch (RuntimeException e) {
            return null;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) { // MethodHandle.invoke's throws clause; a getter of a final field throws nothing
            return null;
        }
    }

    /** {@code getClient()} of OkHttp's call class ({@code okhttp3.internal.connection.RealCall}), per class. */
    private static final ClassValue<MethodHandle> CLIENT_GETTERS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return MethodHandles.publicLookup().findVirtual(type, "getClient", MethodType.methodType(OkHttpClient.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };

    /**
     * The jar a client installs on OkHttp versions without {@code withCookieJar}: the client's jar as it
     * is, except while a try of a balanced call runs {@code proceed} on the calling thread, when it is that
     * call's jar. Stateless apart from its delegate; thread-safe when the delegate is.
     */
    static final class ScopedCookieJar implements CookieJar {
        private final CookieJar delegate;

        ScopedCookieJar(CookieJar delegate) {
            this.delegate = delegate;
        }

        CookieJar delegate() {
            return delegate;
        }

        static CookieJar unwrap(CookieJar jar) {
            return jar instanceof ScopedCookieJar s ? s.delegate : jar;
        }

        @Override
        public List<Cookie> loadForRequest(HttpUrl url) {
            return jar().loadForRequest(url);
        }

        @Override
        public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
            jar().saveFromResponse(url, cookies);
        }

        private CookieJar jar() {
            Scope scope = SCOPE.get();
            return scope == null ? delegate : scope.jarFor(this);
        }

        @Override
        public String toString() {
            return "LoadBalancingInterceptor.cookieJar(" + delegate + ")";
        }
    }
}
