package io.lb4j.okhttp;

import io.lb4j.api.Lease;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.api.Ticker;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An OkHttp application {@link Interceptor} that turns logical host names into servers of lb4j
 * {@link Pool}s: a service calls {@code http://orders/api/...}, and every request is sent to a healthy
 * member of the {@code orders} pool picked by the pool's strategy; every outcome is reported back to
 * the pool (passive health, latency), failed tries move to another server ({@code proxy_next_upstream}),
 * and a request is never sent anywhere outside the pool.
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *         .addInterceptor(LoadBalancingInterceptor.builder()
 *                 .pool("orders", ordersPool)                 // http://orders/...  -> ordersPool
 *                 .route("web", "/static/", staticPool)       // layer 7: first match wins
 *                 .route("web", "/", webPool)
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <h2>Rewriting</h2>
 * A request whose host is a registered logical name is rewritten to the picked server's host and port
 * ({@code url().newBuilder().host().port()}); the scheme, path, query, headers and tags are kept. The
 * logical URL's port is ignored. A fully qualified logical name with one trailing dot ({@code http://orders./x})
 * is the same logical host. A request for any other host passes through untouched. With
 * {@link Builder#preserveHostHeader(boolean)} the {@code Host} header keeps the logical name (virtual
 * hosting behind the backends); otherwise OkHttp sets it to the server's address. A logical host whose
 * pool has no eligible server fails with {@link NoAvailableServerIOException}; a path no route of the
 * host matches fails with {@link NoRouteIOException}; neither sends anything.
 *
 * <h2>Outcomes</h2>
 * Each try holds a pool {@link Lease} from the pick until the response headers arrive (the pool's ticker
 * measures the latency to headers), completed in every case: success; failure on an {@link IOException}
 * or a status in {@link Builder#failureStatuses(Collection)} (default 500 and 502–599: 501 Not
 * Implemented says nothing about the server's health), and when the client's {@code callTimeout} ran out
 * while the server had the try (the call's time budget is spent, so that try is never retried); dropped
 * when the call was cancelled ({@code chain.call().isCanceled()}), the thread was interrupted
 * ({@link InterruptedIOException} that is not a timeout; never retried), or something other than an I/O
 * error was thrown. Reading the response body is not part of the lease.
 *
 * <h2>Retries (nginx {@code proxy_next_upstream error timeout http_502 http_503 http_504})</h2>
 * <ul>
 *   <li>A try that failed before the request was sent (connect refused or timed out, no route to host,
 *       unknown host, TLS handshake failure) is always retried on another server.</li>
 *   <li>Any other I/O error (reset, unexpected end of stream), a read timeout (unless
 *       {@link Builder#retryOnTimeout(boolean) retryOnTimeout(false)}) and a status in
 *       {@link Builder#retryStatuses(Collection)} (default 502, 503, 504) are retried only when the
 *       request is idempotent (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, or tagged {@link Idempotent#YES};
 *       {@link Idempotent#NO} forbids it) <em>and</em> its body can be replayed
 *       ({@link RequestBody#isOneShot()} false).</li>
 *   <li>A call never goes to the same server twice ({@link PickContext#excluding}); it makes at most
 *       {@link Builder#maxTries(int)} tries (default 3); and every retry must be allowed by the pool's
 *       {@link RetryBudget} (default: 20% of the request rate plus 10 per second), so that a failing fleet
 *       is not hit by a retry storm.</li>
 *   <li>When no retry is possible the caller gets the last try's outcome: its response (e.g. the last
 *       503), or its exception with the failures of the earlier tries attached as suppressed exceptions.</li>
 * </ul>
 * Whether a request was sent is decided by the exception (connect-phase failures) and, for a request
 * that must not be replayed, by whether its body was written or a follow-up request was started: its body
 * and the chain's cookie jar are wrapped (small objects per call) so that a connect failure while OkHttp
 * follows a redirect below this interceptor is never mistaken for "not sent", with or without a body. A refusal by {@link #guardDns(Dns)} is a drop and is not retried.
 * Note that OkHttp itself ({@code retryOnConnectionFailure}, on by default) may silently replay a request
 * on the <em>same</em> server after a stale pooled connection failed; set it to false for strict
 * at-most-once delivery of non-idempotent requests.
 *
 * <h2>Session persistence</h2>
 * <ul>
 *   <li>By key: a {@link RequestKey} tag or the header named by {@link Builder#hashKeyHeader(String)} becomes
 *       the pick's hash key ({@link PickContext#ofKey(String)}); a hashing strategy (source/destination
 *       hash, Maglev, consistent hashing) then maps a key to the same server while it is healthy. Other
 *       strategies ignore the key.</li>
 *   <li>By cookie ({@link Builder#stickyCookie(String)}, HAProxy {@code cookie SRV insert indirect}): the
 *       interceptor inserts a cookie whose value is an opaque token for the server that answered (an
 *       HMAC of the pool name and server id under a secret, revealing neither id nor address) and saves it
 *       in the client's {@code CookieJar} under the logical URL; the cookie is read from the request's
 *       {@code Cookie} header or that jar, and removed from the request sent to the server. A token is
 *       resolved only by lookup among the pool's current members, so a forged, stale or unknown token is
 *       ignored (a normal pick, and a new cookie) and can never direct a request outside the pool. The
 *       server a valid token names is asked for with {@link PickContext#preferring(String)}, which the
 *       pool honours in O(1) with any strategy; if it is no longer
 *       eligible (ejected, down, draining, removed) the request falls back to a normal pick and the
 *       cookie is replaced.</li>
 * </ul>
 *
 * <h2>Cookies</h2>
 * When the client has a {@code CookieJar}, the rest of the chain sees it through the logical URL: the
 * cookies sent are those of the logical host, and host-only cookies a server sets are stored for the logical
 * host, so every server of a pool shares the client's session cookies, as behind a reverse proxy (without
 * this, OkHttp would scope them to each server's address).
 *
 * <h2>Redirects</h2>
 * OkHttp follows redirects below application interceptors: a relative {@code Location} goes to the same
 * server; an absolute one to the logical URL would be resolved by DNS. Install
 * {@link #guardDns(Dns)} so that such a request fails instead of leaving the pool, or turn
 * {@code followRedirects} off and re-issue redirected calls through the interceptor.
 *
 * <h2>HTTPS</h2>
 * The request goes to the server's host as given in its {@link Server}; OkHttp verifies the certificate
 * against that host, so server certificates must cover the servers' host names or addresses (or configure
 * the client's {@code HostnameVerifier}).
 *
 * <p>Logs (slf4j) when it is built and when a retry budget is exhausted or available again; never per request.
 *
 * <p>Thread-safe: immutable after {@link Builder#build()}, apart from the retry budgets and the sticky
 * token tables, which are thread-safe. One instance may serve any number of clients and calls.
 */
public final class LoadBalancingInterceptor implements Interceptor {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancingInterceptor.class);

    /** Default number of tries per call, the first included (nginx {@code proxy_next_upstream_tries}). */
    public static final int DEFAULT_MAX_TRIES = 3;
    /** Largest {@link Builder#maxTries(int)}. */
    public static final int MAX_MAX_TRIES = 100;
    /** Statuses retried on another server by default (idempotent requests only): 502, 503, 504. */
    public static final Set<Integer> DEFAULT_RETRY_STATUSES = Set.of(502, 503, 504);
    /** Statuses counted as a server failure by default: 500 and 502 to 599 (not 501 Not Implemented). */
    public static final Set<Integer> DEFAULT_FAILURE_STATUSES = defaultFailureStatuses();
    /** Shortest {@link Builder#stickySecret(byte[])}: 16 bytes. */
    public static final int MIN_SECRET_BYTES = 16;

    private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final Map<String, Route[]> routesByHost;
    private final Map<Pool, RetryBudget> budgets;
    private final int maxTries;
    private final boolean retryOnTimeout;
    private final boolean[] retryStatus;
    private final boolean[] failureStatus;
    private final boolean preserveHostHeader;
    private final String stickyCookie;
    private final String hashKeyHeader;

    private LoadBalancingInterceptor(Builder b) {
        this.maxTries = b.maxTries;
        this.retryOnTimeout = b.retryOnTimeout;
        this.retryStatus = table(b.retryStatuses);
        this.failureStatus = table(b.failureStatuses);
        this.preserveHostHeader = b.preserveHostHeader;
        this.stickyCookie = b.stickyCookie;
        this.hashKeyHeader = b.hashKeyHeader;
        Map<Pool, RetryBudget> budgetByPool = new IdentityHashMap<>();
        Map<Pool, StickyTokens> tokensByPool = new IdentityHashMap<>();
        byte[] secret = b.stickySecret;
        if (stickyCookie != null && secret == null) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
        Map<String, Route[]> byHost = new LinkedHashMap<>();
        for (Map.Entry<String, List<RouteSpec>> e : b.routes.entrySet()) {
            List<Route> list = new ArrayList<>();
            for (RouteSpec spec : e.getValue()) {
                RetryBudget budget = budgetByPool.computeIfAbsent(spec.pool,
                        p -> new RetryBudget(p.name(), b.retryBudget, b.ticker));
                StickyTokens tokens = null;
                if (stickyCookie != null) {
                    byte[] s = secret;
                    tokens = tokensByPool.computeIfAbsent(spec.pool, p -> new StickyTokens(p, s));
                }
                list.add(new Route(e.getKey(), spec.prefix, spec.pool, budget, tokens));
            }
            byHost.put(e.getKey(), list.toArray(new Route[0]));
        }
        this.routesByHost = byHost;
        this.budgets = budgetByPool;
        log.info("lb4j OkHttp interceptor: routes {}, maxTries={}, retryOnTimeout={}, retryStatuses={}, {}{}{}",
                describeAll(), maxTries, retryOnTimeout, b.retryStatuses, b.retryBudget,
                stickyCookie == null ? "" : ", sticky cookie " + stickyCookie,
                hashKeyHeader == null ? "" : ", hash key header " + hashKeyHeader);
    }

    /** A builder; add at least one {@link Builder#pool(String, Pool) pool} or {@link Builder#route route}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The managed logical host names, in registration order. */
    public Set<String> logicalHosts() {
        return Collections.unmodifiableSet(routesByHost.keySet());
    }

    /**
     * The retry budget of a pool this interceptor routes to.
     *
     * @throws IllegalArgumentException when no route uses {@code pool}
     */
    public RetryBudget retryBudget(Pool pool) {
        RetryBudget b = budgets.get(pool);
        if (b == null) {
            throw new IllegalArgumentException("pool " + (pool == null ? "null" : "'" + pool.name() + "'")
                    + " is not routed by this interceptor");
        }
        return b;
    }

    /**
     * A {@link Dns} for the client that refuses to resolve this interceptor's logical host names and
     * delegates every other name: a safety net so that nothing can reach a logical name directly. OkHttp
     * follows redirects below application interceptors, so a server's redirect to an absolute
     * {@code http://orders/...} would otherwise be resolved by DNS; with this guard it fails with an
     * {@link UnknownHostException} that says why. (A relative redirect goes to the same server and works.)
     * <pre>{@code
     * new OkHttpClient.Builder().addInterceptor(lb).dns(lb.guardDns(Dns.SYSTEM)).build();
     * }</pre>
     *
     * @param delegate the DNS for every other name
     * @return a thread-safe {@link Dns}
     */
    public Dns guardDns(Dns delegate) {
        Checks.notNull("delegate", delegate);
        return hostname -> {
            if (hostname != null && routesByHost.containsKey(withoutTrailingDot(hostname.toLowerCase(Locale.ROOT)))) {
                throw new LogicalHostLookupException("'" + hostname + "' is an lb4j logical host name and is never resolved:"
                        + " requests for it must go through the LoadBalancingInterceptor (a redirect to an absolute"
                        + " logical URL is followed by OkHttp below the interceptor)");
            }
            return delegate.lookup(hostname);
        };
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        long started = System.nanoTime(); // to recognise the call timeout (see isCallTimeout)
        Request request = chain.request();
        HttpUrl url = request.url();
        String host = withoutTrailingDot(url.host());
        Route[] routes = routesByHost.get(host);
        if (routes == null) {
            return chain.proceed(request);
        }
        if (!host.equals(url.host())) {
            // "orders." is the fully qualified "orders": the same logical host. Continue with the canonical
            // name so that cookies, the Host header and the rewrite all see one name.
            url = url.newBuilder().host(host).build();
            request = request.newBuilder().url(url).build();
        }
        String path = url.encodedPath();
        for (Route r : routes) {
            if (matches(r.prefix, path)) {
                return balance(chain, request, r, started);
            }
        }
        throw new NoRouteIOException("no route of logical host '" + url.host() + "' matches path '" + path
                + "'; routes: " + describe(routes));
    }

    /** {@code host} without one trailing '.' (the root of a fully qualified name): "orders." is "orders". */
    static String withoutTrailingDot(String host) {
        return host.length() > 1 && host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    // ------------------------------------------------------------------ one call

    private Response balance(Chain original, Request request, Route route, long started) throws IOException {
        route.budget.deposit();
        CookieJar jar = original.getCookieJar();
        Chain chain = jar == CookieJar.NO_COOKIES ? original
                : original.withCookieJar(new LogicalCookieJar(jar, request.url(), stickyCookie));
        RequestBody body = request.body();
        boolean replayAfterSend = isIdempotent(request) && (body == null || !body.isOneShot());
        String key = hashKey(request);
        PickContext base = key == null ? PickContext.none() : PickContext.ofKey(key);
        String stickyId = route.sticky == null ? null : stickyServer(original, request, route);
        Request template = outgoing(request);
        SendTracking tracking = null;
        FollowUpDetector followUps = null;
        if (!replayAfterSend) {
            // Only a request that must not be replayed needs to know for sure whether it was sent.
            if (body != null) {
                tracking = new SendTracking(body);
                template = template.newBuilder().method(template.method(), tracking).build();
            }
            followUps = new FollowUpDetector(chain.getCookieJar());
            chain = chain.withCookieJar(followUps);
        }

        List<String> tried = new ArrayList<>(Math.min(maxTries, 4));
        List<Throwable> earlier = null;
        Lease lease = firstLease(route, base, stickyId);
        for (int attempt = 1; ; attempt++) {
            Server server = lease.server();
            if (tracking != null) {
                tracking.written = false;
            }
            if (followUps != null) {
                followUps.requests = 0;
            }
            tried.add(server.id());
            Response response;
            try {
                response = chain.proceed(rewrite(template, server));
            } catch (IOException e) {
                if (isCallTimeout(chain, started)) {
                    // The server did not answer within the call's whole time budget: its failure. The
                    // budget is spent, so there is no retry.
                    InterruptedIOException timeout = new InterruptedIOException("call timeout of "
                            + chain.call().timeout().timeoutNanos() / 1_000_000 + " ms expired waiting for server "
                            + server.id());
                    timeout.initCause(e); // what the cancelled socket threw, e.g. "Socket closed"
                    lease.failure(timeout);
                    throw withSuppressed(e, earlier);
                }
                if (chain.call().isCanceled() || e instanceof LogicalHostLookupException || isInterrupt(e)) {
                    lease.drop(); // says nothing about the server
                    throw withSuppressed(e, earlier);
                }
                lease.failure(e);
                Failure kind = classify(e);
                if (kind == Failure.NOT_SENT && ((tracking != null && tracking.written)
                        || (followUps != null && followUps.requests > 1))) {
                    kind = Failure.OTHER; // e.g. while following a redirect: the request itself was sent
                }
                boolean retryable = kind == Failure.NOT_SENT
                        || (replayAfterSend && (kind == Failure.OTHER || (kind == Failure.TIMEOUT && retryOnTimeout)));
                Lease next = retryable ? nextLease(chain, route, base, tried, attempt) : null;
                if (next == null) {
                    throw withSuppressed(e, earlier);
                }
                earlier = add(earlier, e);
                lease = next;
                continue;
            } catch (RuntimeException | Error e) {
                lease.drop();
                throw e;
            } catch (Exception e) {
                // A checked exception OkHttp throws undeclared, e.g. InterruptedException when the thread is
                // interrupted while connecting: a drop, never retried.
                lease.drop();
                throw e;
            }
            int code = response.code();
            BadStatusException bad = null;
            if (in(failureStatus, code)) {
                bad = new BadStatusException(code, server.id());
                lease.failure(bad);
            } else {
                lease.success();
            }
            if (in(retryStatus, code) && replayAfterSend) {
                Lease next = nextLease(chain, route, base, tried, attempt);
                if (next != null) {
                    response.close();
                    earlier = add(earlier, bad != null ? bad : new BadStatusException(code, server.id()));
                    lease = next;
                    continue;
                }
            }
            return stick(original, request, route, stickyId, server, response);
        }
    }

    private Lease firstLease(Route route, PickContext base, String stickyId) throws NoAvailableServerIOException {
        Pool pool = route.pool;
        try {
            // The pool honours the sticky server while it is eligible and otherwise picks normally; then
            // the response carries a new cookie for the server that answered.
            return pool.acquire(stickyId == null ? base : base.preferring(stickyId));
        } catch (NoAvailableServerException e) {
            throw new NoAvailableServerIOException(e);
        }
    }

    /** The lease for the next try, or null when no retry is allowed (tries, cancel, budget, servers). */
    private Lease nextLease(Chain chain, Route route, PickContext base, List<String> tried, int attempt) {
        if (attempt >= maxTries || chain.call().isCanceled() || !route.budget.tryWithdraw()) {
            return null;
        }
        try {
            return route.pool.acquire(base.excluding(tried));
        } catch (NoAvailableServerException e) {
            route.budget.refund(); // no other server: the retry did not happen
            return null;
        }
    }

    private Request outgoing(Request request) {
        Request.Builder b = null;
        if (stickyCookie != null) {
            List<String> cookies = request.headers("Cookie");
            if (!cookies.isEmpty()) {
                b = request.newBuilder().removeHeader("Cookie");
                for (String header : cookies) {
                    String kept = withoutCookie(header, stickyCookie);
                    if (!kept.isEmpty()) {
                        b.addHeader("Cookie", kept);
                    }
                }
            }
        }
        if (preserveHostHeader && request.header("Host") == null) {
            HttpUrl url = request.url();
            String host = url.port() == HttpUrl.defaultPort(url.scheme()) ? url.host() : url.host() + ":" + url.port();
            b = (b == null ? request.newBuilder() : b).header("Host", host);
        }
        return b == null ? request : b.build();
    }

    private static Request rewrite(Request template, Server server) throws IOException {
        HttpUrl url;
        try {
            url = template.url().newBuilder().host(server.host()).port(server.port()).build();
        } catch (IllegalArgumentException e) {
            UnknownHostException u = new UnknownHostException("server " + server.id() + " has a host OkHttp cannot use: "
                    + Checks.quote(server.host()) + " (" + e.getMessage() + ")");
            u.initCause(e);
            throw u;
        }
        return template.newBuilder().url(url).build();
    }

    // ------------------------------------------------------------------ stickiness

    private String hashKey(Request request) {
        RequestKey tag = request.tag(RequestKey.class);
        if (tag != null) {
            return tag.value();
        }
        return hashKeyHeader == null ? null : request.header(hashKeyHeader);
    }

    /** The member id the request's sticky cookie names, or null. */
    private String stickyServer(Chain chain, Request request, Route route) {
        for (String header : request.headers("Cookie")) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(stickyCookie)) {
                    String id = route.sticky.resolve(pair.substring(eq + 1).trim());
                    if (id != null) {
                        return id;
                    }
                }
            }
        }
        for (Cookie c : chain.getCookieJar().loadForRequest(request.url())) {
            if (c.name().equals(stickyCookie)) {
                String id = route.sticky.resolve(c.value());
                if (id != null) {
                    return id;
                }
            }
        }
        return null;
    }

    private Response stick(Chain chain, Request request, Route route, String stickyId, Server server, Response response) {
        if (route.sticky == null || server.id().equals(stickyId)) {
            return response;
        }
        try {
            HttpUrl url = request.url();
            Cookie.Builder cb = new Cookie.Builder().name(stickyCookie).value(route.sticky.token(server.id()))
                    .hostOnlyDomain(url.host()).path(route.prefix).httpOnly();
            if (url.isHttps()) {
                cb.secure();
            }
            Cookie cookie = cb.build();
            chain.getCookieJar().saveFromResponse(url, List.of(cookie));
            return response.newBuilder().addHeader("Set-Cookie", cookie.toString()).build();
        } catch (RuntimeException | Error e) {
            response.close(); // e.g. the client's CookieJar threw: the caller never gets the response to close
            throw e;
        }
    }

    /** Thrown by {@link #guardDns(Dns)}: a client-side refusal, never a server's failure. */
    static final class LogicalHostLookupException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        LogicalHostLookupException(String message) {
            super(message);
        }
    }

    /**
     * Wraps the body of a request that must not be replayed, to know whether a try wrote it: a connect
     * failure after the body was written (following a redirect) does not allow a retry.
     */
    private static final class SendTracking extends RequestBody {
        private final RequestBody delegate;
        volatile boolean written;

        SendTracking(RequestBody delegate) {
            this.delegate = delegate;
        }

        @Override
        public okhttp3.MediaType contentType() {
            return delegate.contentType();
        }

        @Override
        public long contentLength() throws IOException {
            return delegate.contentLength();
        }

        @Override
        public void writeTo(okio.BufferedSink sink) throws IOException {
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

    /**
     * Wraps the cookie jar of a try of a request that must not be replayed, to know whether the request was
     * answered: OkHttp's bridge loads cookies once per request it sends, so a second load within one try
     * is a follow-up (a redirect being followed, or OkHttp retrying on its own), after which a connect
     * failure does not mean that the request was not sent. Erring this way only forgoes a retry.
     */
    private static final class FollowUpDetector implements CookieJar {
        private final CookieJar delegate;
        volatile int requests;

        FollowUpDetector(CookieJar delegate) {
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

    /**
     * The client's cookie jar as seen by the rest of the chain, which works with the server's URL: cookies
     * are loaded for the logical URL (without lb4j's sticky cookie), and host-only cookies a server sets are
     * saved for the logical host, so that every server of the pool shares the client's cookies for it, as
     * behind a reverse proxy.
     */
    private static final class LogicalCookieJar implements CookieJar {
        private final CookieJar delegate;
        private final HttpUrl logical;
        private final String sticky;

        LogicalCookieJar(CookieJar delegate, HttpUrl logical, String sticky) {
            this.delegate = delegate;
            this.logical = logical;
            this.sticky = sticky;
        }

        @Override
        public List<Cookie> loadForRequest(HttpUrl serverUrl) {
            List<Cookie> all = delegate.loadForRequest(logical);
            if (sticky == null || all.isEmpty()) {
                return all;
            }
            List<Cookie> kept = new ArrayList<>(all.size());
            for (Cookie c : all) {
                if (!c.name().equals(sticky)) {
                    kept.add(c);
                }
            }
            return kept;
        }

        @Override
        public void saveFromResponse(HttpUrl serverUrl, List<Cookie> cookies) {
            List<Cookie> forLogical = new ArrayList<>(cookies.size());
            List<Cookie> forServer = new ArrayList<>(0);
            for (Cookie c : cookies) {
                if (c.hostOnly()) {
                    forLogical.add(new Cookie.Builder(c).hostOnlyDomain(logical.host()).build());
                } else {
                    forServer.add(c); // a Domain cookie OkHttp validated against the server's host: keep it there
                }
            }
            if (!forLogical.isEmpty()) {
                delegate.saveFromResponse(logical, forLogical);
            }
            if (!forServer.isEmpty()) {
                delegate.saveFromResponse(serverUrl, forServer);
            }
        }
    }

    private static String withoutCookie(String header, String name) {
        StringBuilder sb = new StringBuilder(header.length());
        for (String pair : header.split(";")) {
            String p = pair.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(p);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ classification

    private enum Failure { NOT_SENT, TIMEOUT, OTHER }

    private static Failure classify(IOException e) {
        if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException
                || e instanceof PortUnreachableException || e instanceof SSLHandshakeException) {
            return Failure.NOT_SENT;
        }
        if (e instanceof SocketTimeoutException) {
            String m = e.getMessage();
            return m != null && m.toLowerCase(Locale.ROOT).contains("connect timed out") ? Failure.NOT_SENT : Failure.TIMEOUT;
        }
        return Failure.OTHER;
    }

    /** Slack for recognising the call timeout: the time a call may spend before this interceptor runs. */
    private static final long CALL_TIMEOUT_SLACK_NANOS = 5_000_000L;

    /**
     * Whether the try failed because OkHttp's call timeout ({@code callTimeout}) fired: the call was
     * cancelled and its time budget has run out. OkHttp cancels the call when the timeout fires, so the
     * try fails with whatever the cancelled socket threw ("Socket closed"); only above all interceptors
     * is it turned into an {@link InterruptedIOException} "timeout". The budget started when the call
     * was executed, at most a few interceptors before {@code started}.
     */
    private static boolean isCallTimeout(Chain chain, long started) {
        long budget = chain.call().timeout().timeoutNanos();
        return budget > 0 && chain.call().isCanceled()
                && System.nanoTime() - started >= budget - Math.min(CALL_TIMEOUT_SLACK_NANOS, budget / 10);
    }

    /** Whether {@code e} is the calling thread being interrupted, not a timeout: a drop, never retried. */
    private static boolean isInterrupt(IOException e) {
        return Thread.currentThread().isInterrupted()
                || (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException));
    }

    private static boolean isIdempotent(Request request) {
        Idempotent tag = request.tag(Idempotent.class);
        if (tag != null) {
            return tag == Idempotent.YES;
        }
        return IDEMPOTENT_METHODS.contains(request.method());
    }

    private static IOException withSuppressed(IOException e, List<Throwable> earlier) {
        if (earlier != null) {
            for (Throwable t : earlier) {
                if (t != e) {
                    e.addSuppressed(t);
                }
            }
        }
        return e;
    }

    private static List<Throwable> add(List<Throwable> list, Throwable t) {
        List<Throwable> l = list == null ? new ArrayList<>(2) : list;
        l.add(t);
        return l;
    }

    private static boolean in(boolean[] table, int code) {
        return code >= 0 && code < table.length && table[code];
    }

    private static boolean[] table(Set<Integer> codes) {
        boolean[] t = new boolean[600];
        for (int c : codes) {
            t[c] = true;
        }
        return t;
    }

    private static Set<Integer> defaultFailureStatuses() {
        Set<Integer> s = new TreeSet<>();
        s.add(500);
        for (int c = 502; c <= 599; c++) {
            s.add(c);
        }
        return Collections.unmodifiableSet(s);
    }

    /**
     * Whether {@code prefix} matches {@code path}, segment-aware: {@code /static} matches {@code /static}
     * and {@code /static/x} but not {@code /staticfoo}; {@code /static/} matches {@code /static/x}; {@code /}
     * matches everything.
     */
    static boolean matches(String prefix, String path) {
        if (prefix.equals("/")) {
            return true;
        }
        if (!path.startsWith(prefix)) {
            return false;
        }
        return path.length() == prefix.length() || prefix.endsWith("/") || path.charAt(prefix.length()) == '/';
    }

    private String describeAll() {
        List<String> all = new ArrayList<>();
        for (Route[] routes : routesByHost.values()) {
            all.add(describe(routes));
        }
        return String.join(", ", all);
    }

    private static String describe(Route[] routes) {
        List<String> parts = new ArrayList<>(routes.length);
        for (Route r : routes) {
            parts.add(r.host + r.prefix + " -> pool '" + r.pool.name() + "'");
        }
        return parts.toString();
    }

    @Override
    public String toString() {
        return "LoadBalancingInterceptor" + describeAll();
    }

    // ------------------------------------------------------------------ configuration

    /** One layer-7 route. Immutable. */
    private static final class Route {
        final String host;
        final String prefix;
        final Pool pool;
        final RetryBudget budget;
        final StickyTokens sticky;

        Route(String host, String prefix, Pool pool, RetryBudget budget, StickyTokens sticky) {
            this.host = host;
            this.prefix = prefix;
            this.pool = pool;
            this.budget = budget;
            this.sticky = sticky;
        }
    }

    private static final class RouteSpec {
        final String prefix;
        final Pool pool;

        RouteSpec(String prefix, Pool pool) {
            this.prefix = prefix;
            this.pool = pool;
        }
    }

    /**
     * Builds a {@link LoadBalancingInterceptor}. Every setter validates at once and its
     * {@link IllegalArgumentException} names the property, the value and what is allowed.
     * Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, List<RouteSpec>> routes = new LinkedHashMap<>();
        private int maxTries = DEFAULT_MAX_TRIES;
        private boolean retryOnTimeout = true;
        private Set<Integer> retryStatuses = DEFAULT_RETRY_STATUSES;
        private Set<Integer> failureStatuses = DEFAULT_FAILURE_STATUSES;
        private RetryBudgetConfig retryBudget = RetryBudgetConfig.ofDefaults();
        private Ticker ticker = Ticker.system();
        private boolean preserveHostHeader;
        private String stickyCookie;
        private byte[] stickySecret;
        private String hashKeyHeader;

        private Builder() {
        }

        /**
         * Sends every request for {@code logicalHost} (any path) to {@code pool}; the same as
         * {@code route(logicalHost, "/", pool)}.
         *
         * @param logicalHost a valid host name (RFC 1123, not an IP address), case-insensitive, not yet registered
         * @throws IllegalArgumentException naming {@code logicalHost} when it is invalid or already mapped
         */
        public Builder pool(String logicalHost, Pool pool) {
            return route(logicalHost, "/", pool);
        }

        /**
         * Adds a layer-7 route: requests for {@code logicalHost} whose path starts with {@code pathPrefix}
         * (segment-aware: {@code /static} matches {@code /static} and {@code /static/x}, not
         * {@code /staticfoo}) go to {@code pool}. The prefix is compared with the request's encoded path, in
         * the same form: {@code /café} matches {@code http://web/café/x}. A host's routes are tried in the order they were added;
         * the first match wins; a request no route matches fails with {@link NoRouteIOException}.
         *
         * @throws IllegalArgumentException for an invalid host name, a prefix not starting with {@code /}
         *                                  or containing white space, {@code ?}, {@code #} or a {@code .} or
         *                                  {@code ..} segment, a null pool, a
         *                                  duplicate route, or a route an earlier route of the host
         *                                  makes unreachable
         */
        public Builder route(String logicalHost, String pathPrefix, Pool pool) {
            String host = Checks.hostname("logicalHost", logicalHost);
            Checks.notNull("pathPrefix", pathPrefix);
            if (!pathPrefix.startsWith("/") || pathPrefix.chars().anyMatch(c -> Character.isWhitespace(c) || c == '?'
                    || c == '#')) {
                throw new IllegalArgumentException("pathPrefix must start with '/' and contain no white space, '?' or '#',"
                        + " was " + Checks.quote(pathPrefix));
            }
            pathPrefix = encodedPrefix(pathPrefix);
            Checks.notNull("pool", pool);
            List<RouteSpec> list = routes.computeIfAbsent(host, h -> new ArrayList<>());
            for (RouteSpec r : list) {
                if (r.prefix.equals(pathPrefix)) {
                    throw new IllegalArgumentException("logicalHost '" + host + "' is already mapped for path prefix '"
                            + pathPrefix + "' (to pool '" + r.pool.name() + "'); duplicate logical names are not allowed");
                }
                if (matches(r.prefix, pathPrefix)) {
                    throw new IllegalArgumentException("route " + host + pathPrefix + " -> pool '" + pool.name()
                            + "' is unreachable: the earlier route " + host + r.prefix + " matches every path it would"
                            + " (first match wins; add more specific prefixes first)");
                }
            }
            list.add(new RouteSpec(pathPrefix, pool));
            return this;
        }

        /**
         * The prefix in the form requests are matched in ({@link HttpUrl#encodedPath()}): {@code /café} is
         * {@code /caf%C3%A9}, an already encoded prefix stays as it is.
         */
        private static String encodedPrefix(String pathPrefix) {
            for (String segment : pathPrefix.split("[/\\\\]", -1)) {
                if (segment.equals(".") || segment.equals("..") || segment.equalsIgnoreCase("%2e")
                        || segment.equalsIgnoreCase("%2e%2e") || segment.equalsIgnoreCase(".%2e")
                        || segment.equalsIgnoreCase("%2e.")) {
                    throw new IllegalArgumentException("pathPrefix must not contain '.' or '..' segments, was "
                            + Checks.quote(pathPrefix));
                }
            }
            try {
                return new HttpUrl.Builder().scheme("http").host("h").encodedPath(pathPrefix).build().encodedPath();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pathPrefix is not a valid URL path, was " + Checks.quote(pathPrefix)
                        + ": " + e.getMessage(), e);
            }
        }

        /**
         * Whether the {@code Host} header keeps the logical name (with the logical URL's port if it is not
         * the scheme's default) for virtual hosting behind the backends; default false (OkHttp sends the
         * server's address). A {@code Host} header the caller set is never changed.
         */
        public Builder preserveHostHeader(boolean preserve) {
            this.preserveHostHeader = preserve;
            return this;
        }

        /** 1 to {@value LoadBalancingInterceptor#MAX_MAX_TRIES}: tries per call, the first included; default {@value LoadBalancingInterceptor#DEFAULT_MAX_TRIES}; 1 disables retries. */
        public Builder maxTries(int maxTries) {
            this.maxTries = Checks.inRange("maxTries", maxTries, 1, MAX_MAX_TRIES);
            return this;
        }

        /** Whether an idempotent request that timed out after it was sent is retried (nginx {@code timeout}); default true. */
        public Builder retryOnTimeout(boolean retry) {
            this.retryOnTimeout = retry;
            return this;
        }

        /**
         * Statuses (100 to 599) on which an idempotent, replayable request is retried on another server;
         * default {@link LoadBalancingInterceptor#DEFAULT_RETRY_STATUSES} (502, 503, 504; add 429 for nginx {@code http_429}); empty
         * for none.
         */
        public Builder retryStatuses(Collection<Integer> statuses) {
            this.retryStatuses = statuses("retryStatuses", statuses);
            return this;
        }

        /**
         * Statuses (100 to 599) that count as a failure of the server for passive health; default
         * {@link LoadBalancingInterceptor#DEFAULT_FAILURE_STATUSES} (500, 502–599). Add 429 to treat throttling as unhealthy.
         */
        public Builder failureStatuses(Collection<Integer> statuses) {
            this.failureStatuses = statuses("failureStatuses", statuses);
            return this;
        }

        /** The retry budget's settings; each pool gets its own budget. Default {@link RetryBudgetConfig#ofDefaults()}. */
        public Builder retryBudget(RetryBudgetConfig config) {
            this.retryBudget = Checks.notNull("retryBudget", config);
            return this;
        }

        /** The time source of the retry budgets; default {@link Ticker#system()}, tests pass a {@code ManualTicker}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Checks.notNull("ticker", ticker);
            return this;
        }

        /**
         * Turns on cookie session persistence with a cookie of this name (an RFC 6265 token, e.g.
         * {@code "SRV"}). See the class documentation.
         */
        public Builder stickyCookie(String cookieName) {
            Checks.notNull("stickyCookie", cookieName);
            if (cookieName.isEmpty() || !cookieName.chars().allMatch(Builder::tokenChar)) {
                throw new IllegalArgumentException("stickyCookie must be a non-empty cookie name of letters, digits and"
                        + " !#$%&'*+-.^_`|~, was " + Checks.quote(cookieName));
            }
            this.stickyCookie = cookieName;
            return this;
        }

        /**
         * The secret (at least {@value LoadBalancingInterceptor#MIN_SECRET_BYTES} bytes) under which sticky tokens are computed; set the
         * same secret on every client instance that must honour the others' cookies. Default: 32 random bytes
         * per interceptor. Requires {@link #stickyCookie(String)}.
         */
        public Builder stickySecret(byte[] secret) {
            Checks.notNull("stickySecret", secret);
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("stickySecret must be at least " + MIN_SECRET_BYTES + " bytes, was "
                        + secret.length + " bytes");
            }
            this.stickySecret = secret.clone();
            return this;
        }

        /** A request header whose value becomes the pick's hash key when there is no {@link RequestKey} tag. */
        public Builder hashKeyHeader(String headerName) {
            Checks.notNull("hashKeyHeader", headerName);
            if (headerName.isEmpty() || !headerName.chars().allMatch(Builder::tokenChar)) {
                throw new IllegalArgumentException("hashKeyHeader must be a non-empty header name, was "
                        + Checks.quote(headerName));
            }
            this.hashKeyHeader = headerName;
            return this;
        }

        /**
         * @throws IllegalArgumentException when no route was added, or a sticky secret was set without a
         *                                  sticky cookie
         */
        public LoadBalancingInterceptor build() {
            if (routes.isEmpty()) {
                throw new IllegalArgumentException("routes must not be empty: add at least one pool(logicalHost, pool)"
                        + " or route(logicalHost, pathPrefix, pool)");
            }
            if (stickySecret != null && stickyCookie == null) {
                throw new IllegalArgumentException("stickySecret is set but stickyCookie is not; set stickyCookie(name)");
            }
            return new LoadBalancingInterceptor(this);
        }

        private static Set<Integer> statuses(String field, Collection<Integer> statuses) {
            Checks.notNull(field, statuses);
            Set<Integer> set = new TreeSet<>();
            for (Integer s : statuses) {
                if (s == null || s < 100 || s > 599) {
                    throw new IllegalArgumentException(field + " must contain HTTP statuses in [100, 599], had " + s
                            + " in " + statuses);
                }
                set.add(s);
            }
            return Collections.unmodifiableSet(set);
        }

        private static boolean tokenChar(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }
}
