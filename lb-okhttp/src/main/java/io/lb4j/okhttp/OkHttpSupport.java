package io.lb4j.okhttp;

import okhttp3.CookieJar;
import okhttp3.Interceptor;

/**
 * Checks, once, that the OkHttp on the class path has what the interceptor needs: OkHttp 5.4's interceptor
 * overrides ({@code Interceptor.Chain.withCookieJar}), with which each call's cookies are scoped to its logical
 * host. OkHttp 4.x (artifact {@code com.squareup.okhttp3:okhttp}) lacks them; without this check a call would
 * fail with a {@code NoSuchMethodError} deep inside OkHttp. Internal; stateless and thread-safe.
 */
final class OkHttpSupport {
    /** The oldest OkHttp the interceptor runs on. */
    static final String MINIMUM = "5.4.0";

    private OkHttpSupport() {
    }

    /** @throws IllegalStateException naming the OkHttp found and the one needed */
    static void requireCompatible() {
        try {
            Interceptor.Chain.class.getMethod("withCookieJar", CookieJar.class);
            Interceptor.Chain.class.getMethod("getCookieJar");
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("lb-okhttp needs OkHttp " + MINIMUM + " or later (Maven artifact "
                    + "com.squareup.okhttp3:okhttp-jvm), found OkHttp " + version() + " on the class path; "
                    + "exclude com.squareup.okhttp3:okhttp 4.x from the dependency that brings it (see the README)");
        }
    }

    /** OkHttp's own version constant, read reflectively (javac would inline the compile-time one). */
    static String version() {
        try {
            return String.valueOf(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            return "(unknown version)";
        }
    }
}
