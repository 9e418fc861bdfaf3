package io.lb4j.okhttp;

import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.Interceptor;

/**
 * What the OkHttp on the class path offers, found once: lb-okhttp is compiled against OkHttp 5 and runs on
 * OkHttp 4.12 too, taking a 4.12-compatible path wherever it uses API that OkHttp 5 added:
 * <ul>
 *   <li>{@code Interceptor.Chain.withCookieJar} / {@code getCookieJar} (OkHttp 5.4): how each call's cookies
 *       are scoped to its logical host, see {@link CookieScope};</li>
 *   <li>{@code Cookie.Builder(Cookie)} (OkHttp 5): copying a cookie, see {@link #copy(Cookie)}.</li>
 * </ul>
 * Tested on OkHttp 4.12 and 5.x (lb-okhttp's test suite runs on both). Internal; stateless and thread-safe.
 */
final class OkHttpSupport {
    private static final boolean CHAIN_COOKIE_JAR = hasMethod(Interceptor.Chain.class, "withCookieJar", CookieJar.class)
            && hasMethod(Interceptor.Chain.class, "getCookieJar", null);
    private static final boolean COOKIE_COPY = hasConstructor(Cookie.Builder.class, Cookie.class);

    private OkHttpSupport() {
    }

    /** Whether interceptors can override the cookie jar per call (OkHttp 5.4 and later). */
    static boolean hasChainCookieJar() {
        return CHAIN_COOKIE_JAR;
    }

    /** A builder holding all of {@code c}'s attributes, on OkHttp 5 also those OkHttp 4 does not know (SameSite). */
    static Cookie.Builder copy(Cookie c) {
        if (COOKIE_COPY) {
            return new Cookie.Builder(c);
        }
        Cookie.Builder b = new Cookie.Builder().name(c.name()).value(c.value()).path(c.path());
        if (c.persistent()) {
            b.expiresAt(c.expiresAt());
        }
        if (c.hostOnly()) {
            b.hostOnlyDomain(c.domain());
        } else {
            b.domain(c.domain());
        }
        if (c.secure()) {
            b.secure();
        }
        if (c.httpOnly()) {
            b.httpOnly();
        }
        return b;
    }

    /** OkHttp's own version constant, read reflectively (javac would inline the compile-time one). */
    static String version() {
        try {
            return String.valueOf(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            return "(unknown version)";
        }
    }

    private static boolean hasMethod(Class<?> type, String name, Class<?> parameter) {
        try {
            if (parameter == null) {
                type.getMethod(name);
            } else {
                type.getMethod(name, parameter);
            }
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean hasConstructor(Class<?> type, Class<?> parameter) {
        try {
            type.getConstructor(parameter);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
