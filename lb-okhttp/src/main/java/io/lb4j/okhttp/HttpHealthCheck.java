package io.lb4j.okhttp;

import io.lb4j.api.HealthCheck;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.Server;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP active health probe for a pool ({@code PoolConfig.activeHealth(ActiveHealth.custom(check)...)}),
 * HAProxy's {@code option httpchk GET /health} with {@code http-check expect status 200-399} and
 * {@code http-check expect string ok}: a server is healthy when {@code GET} (or {@code HEAD}) of the
 * configured path answers with a status in the expected range and, if configured, a body containing
 * the expected text (searched in the first {@value #MAX_BODY_BYTES} bytes).
 * <pre>{@code
 * HttpHealthCheck check = HttpHealthCheck.custom().path("/health").expectStatus(200, 299)
 *         .expectBodyContains("UP").build();
 * }</pre>
 *
 * <p>Each probe uses its own OkHttpClient derived from the base client ({@link Builder#client}, default a
 * new one): connect, read, write and call timeouts all equal to the probe timeout the pool passes, no
 * retry on connection failure, no redirects, no response cache, and a connection pool that keeps no idle connection, so
 * every probe opens a fresh connection as HAProxy's checks do (a server that stops accepting connections
 * fails its probe even while old keep-alive connections still work). Interceptors of the base client
 * are kept (e.g. authentication); this probe's requests are for the server's address, so a
 * {@link LoadBalancingInterceptor} on that client passes them through.
 *
 * <p>Thread-safe and immutable apart from a cache of the derived client for the last timeout used.
 */
public final class HttpHealthCheck implements HealthCheck {
    /** Default path probed: {@code /}. */
    public static final String DEFAULT_PATH = "/";
    /** Lowest healthy status by default (HAProxy: 2xx and 3xx pass). */
    public static final int DEFAULT_MIN_STATUS = 200;
    /** Highest healthy status by default. */
    public static final int DEFAULT_MAX_STATUS = 399;
    /** How much of the body {@link Builder#expectBodyContains(String)} searches: 64 KiB. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final String method;
    private final String scheme;
    private final String path;
    private final int minStatus;
    private final int maxStatus;
    private final String bodyContains;
    private final String hostHeader;
    private final OkHttpClient base;
    private volatile Derived derived;

    private HttpHealthCheck(Builder b) {
        this.method = b.method;
        this.scheme = b.https ? "https" : "http";
        this.path = b.path;
        this.minStatus = b.minStatus;
        this.maxStatus = b.maxStatus;
        this.bodyContains = b.bodyContains;
        this.hostHeader = b.hostHeader;
        this.base = b.client != null ? b.client : new OkHttpClient();
    }

    /** {@code GET /}, healthy on 200–399. */
    public static HttpHealthCheck ofDefaults() {
        return custom().build();
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    @Override
    public HealthCheckResult check(Server server, Duration timeout) {
        Checks.notNull("server", server);
        Checks.notNull("timeout", timeout);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be a positive duration, was " + timeout);
        }
        HttpUrl url;
        try {
            // Path and query are set as such (never resolved as a reference), so the probe's host and port
            // are always the server's.
            HttpUrl.Builder ub = new HttpUrl.Builder().scheme(scheme).host(server.host()).port(server.port());
            int q = path.indexOf('?');
            ub.encodedPath(q < 0 ? path : path.substring(0, q));
            if (q >= 0) {
                ub.encodedQuery(path.substring(q + 1));
            }
            url = ub.build();
        } catch (IllegalArgumentException e) {
            return HealthCheckResult.fail("cannot build a probe URL for server " + server.id() + " ("
                    + server.address() + ") and path " + path + ": " + e.getMessage());
        }
        Request.Builder rb = new Request.Builder().url(url).method(method, null);
        if (hostHeader != null) {
            rb.header("Host", hostHeader);
        }
        String what = method + " " + url;
        try (Response response = client(timeout).newCall(rb.build()).execute()) {
            int code = response.code();
            if (code < minStatus || code > maxStatus) {
                return HealthCheckResult.fail("HTTP " + code + " from " + what + ", expected " + minStatus + "-" + maxStatus);
            }
            if (bodyContains != null) {
                ResponseBody body = response.peekBody(MAX_BODY_BYTES);
                if (!body.string().contains(bodyContains)) {
                    return HealthCheckResult.fail("HTTP " + code + " from " + what + " without '" + bodyContains
                            + "' in the first " + MAX_BODY_BYTES + " bytes of the body");
                }
            }
            return HealthCheckResult.pass("HTTP " + code);
        } catch (IOException e) {
            return HealthCheckResult.fail(what + " failed: " + e);
        }
    }

    private OkHttpClient client(Duration timeout) {
        Derived d = derived;
        if (d != null && d.timeout.equals(timeout)) {
            return d.client;
        }
        // OkHttp takes at most Integer.MAX_VALUE ms; Duration.toMillis() would overflow for huge durations.
        long ms = timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0 ? Integer.MAX_VALUE
                : Math.max(1, timeout.toMillis());
        OkHttpClient c = base.newBuilder()
                .cache(null) // a probe must reach the server, never a cached answer
                .connectTimeout(ms, TimeUnit.MILLISECONDS)
                .readTimeout(ms, TimeUnit.MILLISECONDS)
                .writeTimeout(ms, TimeUnit.MILLISECONDS)
                .callTimeout(ms, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                .build();
        derived = new Derived(timeout, c);
        return c;
    }

    @Override
    public String toString() {
        return "HttpHealthCheck[" + method + " " + scheme + "://<server>" + path + " expect " + minStatus + "-" + maxStatus
                + (bodyContains == null ? "" : " containing '" + bodyContains + "'") + "]";
    }

    private static final class Derived {
        final Duration timeout;
        final OkHttpClient client;

        Derived(Duration timeout, OkHttpClient client) {
            this.timeout = timeout;
            this.client = client;
        }
    }

    /** Builds an {@link HttpHealthCheck}; setters validate at once and name the property. Not thread-safe. */
    public static final class Builder {
        private String method = "GET";
        private boolean https;
        private String path = DEFAULT_PATH;
        private int minStatus = DEFAULT_MIN_STATUS;
        private int maxStatus = DEFAULT_MAX_STATUS;
        private String bodyContains;
        private String hostHeader;
        private OkHttpClient client;

        private Builder() {
        }

        /** {@code "GET"} (default) or {@code "HEAD"}. */
        public Builder method(String method) {
            Checks.notNull("method", method);
            if (!method.equals("GET") && !method.equals("HEAD")) {
                throw new IllegalArgumentException("method must be \"GET\" or \"HEAD\", was " + Checks.quote(method));
            }
            this.method = method;
            return this;
        }

        /**
         * The path (and optional query) to probe, starting with a single {@code /}; default
         * {@value HttpHealthCheck#DEFAULT_PATH}. It is always sent to the probed server: {@code //} at the
         * start (a network-path reference to another host), a backslash, a fragment, white space and
         * control characters are rejected.
         */
        public Builder path(String path) {
            Checks.notNull("path", path);
            if (!path.startsWith("/") || path.startsWith("//") || path.chars().anyMatch(c -> c <= 0x20 || c == 0x7f
                    || c == '\\' || c == '#' || Character.isWhitespace(c))) {
                throw new IllegalArgumentException("path must start with a single '/' and contain no white space,"
                        + " control character, '\\' or '#', was " + Checks.quote(path));
            }
            this.path = path;
            return this;
        }

        /** Probe over HTTPS (TLS settings from the base {@link #client(OkHttpClient)}); default false. */
        public Builder https(boolean https) {
            this.https = https;
            return this;
        }

        /** The healthy status range, both ends included, within 100–599; default 200–399. */
        public Builder expectStatus(int min, int max) {
            Checks.inRange("expectStatus min", min, 100, 599);
            Checks.inRange("expectStatus max", max, 100, 599);
            if (min > max) {
                throw new IllegalArgumentException("expectStatus min must be <= max, was " + min + "-" + max);
            }
            this.minStatus = min;
            this.maxStatus = max;
            return this;
        }

        /** Text the body must contain (not empty); requires {@code GET}. */
        public Builder expectBodyContains(String text) {
            Checks.notNull("expectBodyContains", text);
            if (text.isEmpty()) {
                throw new IllegalArgumentException("expectBodyContains must not be empty, was " + Checks.quote(text));
            }
            this.bodyContains = text;
            return this;
        }

        /**
         * A {@code Host} header to send (virtual hosting), e.g. the logical name; default the server's
         * address. Visible ASCII only (an IDN must be given in its {@code xn--} form), no white space.
         */
        public Builder hostHeader(String host) {
            Checks.notNull("hostHeader", host);
            if (host.isEmpty() || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("hostHeader must be non-empty visible ASCII without white space"
                        + " (an internationalized name in its xn-- form), was " + Checks.quote(host));
            }
            this.hostHeader = host;
            return this;
        }

        /** The client whose TLS, proxy and interceptor settings probes start from; default {@code new OkHttpClient()}. */
        public Builder client(OkHttpClient client) {
            this.client = Checks.notNull("client", client);
            return this;
        }

        /** @throws IllegalArgumentException when a body check is combined with {@code HEAD} */
        public HttpHealthCheck build() {
            if (bodyContains != null && method.equals("HEAD")) {
                throw new IllegalArgumentException("expectBodyContains requires method GET; HEAD responses have no body");
            }
            return new HttpHealthCheck(this);
        }
    }
}
