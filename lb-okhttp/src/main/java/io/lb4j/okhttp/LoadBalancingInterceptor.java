package io.lb4j.okhttp;

import io.lb4j.api.Lease;
import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.api.Ticker;
import okhttp3.CookieJar;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Set;

/**
 * An OkHttp application {@link Interceptor} that turns logical host names into servers of lb4j
 * {@link Pool}s: a service calls {@code http://orders/api/...}, and every request is sent to a healthy
 * member of the {@code orders} pool picked by the pool's strategy; every outcome is reported back to the
 * pool, failed tries move to another server, and nothing is ever sent outside the pool in the logical
 * host's name.
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *         .cookieJar(LoadBalancingInterceptor.cookieJar(CookieJar.NO_COOKIES)) // OkHttp 4.12 only, see cookieJar()
 *         .addInterceptor(LoadBalancingInterceptor.builder()
 *                 .pool("orders", ordersPool)                 // http://orders/...  -> ordersPool
 *                 .route("web", "/static/", staticPool)       // layer 7: first match wins
 *                 .route("web", "/", webPool)
 *                 .build())
 *         .build();
 * }</pre>
 * One call is the short flow below (OkHttp's {@code RetryAndFollowUpInterceptor} is the model); each
 * step is one class of this package:
 * <ol>
 *   <li><b>Route</b>: the host and path pick a pool ({@link Builder#route}); a host that is not logical
 *       passes through untouched, a path no route matches fails with {@link NoRouteIOException}, a pool
 *       with no eligible server with {@link NoAvailableServerIOException}; neither sends anything.</li>
 *   <li><b>Pick</b> with the request's hash key or sticky cookie ({@link Builder#hashKeyHeader},
 *       {@link Builder#stickyCookie}; a token resolves only to a current member), and <b>rewrite</b> the
 *       URL to the server's host and port (scheme, path, query, headers and tags kept; with
 *       {@link Builder#preserveHostHeader} the {@code Host} header keeps the logical name).</li>
 *   <li><b>Send</b> with the client's cookie jar scoped to the logical host (on OkHttp 4.12 the client's jar
 *       must be {@link #cookieJar(CookieJar)}), as a browser behind a reverse
 *       proxy: members share the logical host's cookies; nothing a member sets is stored where it would
 *       reach a host outside the pool; a redirect OkHttp would follow to an address outside the pool (or
 *       to the logical URL, which only this interceptor can balance) is refused before it is sent, with a
 *       {@link RedirectRefusedException} naming the logical host and the target. A relative redirect, or
 *       one to another member, is followed.</li>
 *   <li><b>Report</b> the outcome on the try's {@link Lease}, held until the response headers arrive:
 *       success; failure on an {@link IOException}, a status in {@link Builder#failureStatuses} (default 500,
 *       502–599), or when the client's {@code callTimeout} expired while the server had the try (never
 *       retried); drop when the call was cancelled, the thread interrupted, a redirect refused, or
 *       something other than an I/O error was thrown.</li>
 *   <li><b>Requeue</b> a try that never reached a server (connection refused, connect timeout, no route,
 *       unknown host, TLS handshake) on another server, for any method, up to
 *       {@link Builder#maxRequeues} per call and within the pool's requeue budget
 *       ({@link Builder#requeueBudget}); or <b>retry</b> a request that reached a server and failed (I/O
 *       error, read timeout unless {@link Builder#retryOnTimeout retryOnTimeout(false)}, a status in
 *       {@link Builder#retryStatuses}, default 502–504) only if it is idempotent (GET, HEAD, OPTIONS, TRACE,
 *       PUT, DELETE, or tagged {@link Idempotent#YES}) and its body is not one-shot, up to
 *       {@link Builder#maxTries} tries and within the pool's {@link RetryBudget}. Never the same server
 *       twice in one call. When nothing more is allowed the caller gets the last outcome, with the earlier
 *       tries' failures attached as suppressed exceptions.</li>
 * </ol>
 * OkHttp itself ({@code retryOnConnectionFailure}, on by default) may silently replay a request on the
 * <em>same</em> server after a stale pooled connection failed; set it to false for strict at-most-once
 * delivery of non-idempotent requests. For HTTPS, server certificates must cover the servers' hosts as
 * given in their {@link Server}s (or configure the client's {@code HostnameVerifier}).
 *
 * <p>Logs (slf4j) when it is built and closed and when a budget is exhausted or available again; never per
 * request. Thread-safe: one instance may serve any number of clients and calls. {@link #close()} releases
 * its pool listeners; the pools belong to the caller and stay open.
 */
public final class LoadBalancingInterceptor implements Interceptor, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancingInterceptor.class);

    /** Default number of tries per call that may reach a server, the first included (nginx {@code proxy_next_upstream_tries}). */
    public static final int DEFAULT_MAX_TRIES = 3;
    /** Largest {@link Builder#maxTries(int)}. */
    public static final int MAX_MAX_TRIES = 100;
    /** Default requeues per call (tries after a connect failure); the pool's size bounds them too. */
    public static final int DEFAULT_MAX_REQUEUES = 10;
    /** Largest {@link Builder#maxRequeues(int)}. */
    public static final int MAX_MAX_REQUEUES = 100;
    /**
     * Default requeue budget per pool: requeues may add twice the request rate plus 20 per second (over
     * 10 s), so that every call can get past two dead servers even while health checking has not taken them
     * out, while a fleet that refuses every connection sees at most three connection attempts per request
     * (plus the reserve). A requeue costs a live server nothing: the dead one refused the connection.
     */
    public static final RetryBudgetConfig DEFAULT_REQUEUE_BUDGET = RetryBudgetConfig.custom().percentCanRetry(2.0)
            .minRetriesPerSecond(20).build();
    /** Statuses retried on another server by default (idempotent requests only): 502, 503, 504. */
    public static final Set<Integer> DEFAULT_RETRY_STATUSES = Set.of(502, 503, 504);
    /** Statuses counted as a server failure by default: 500 and 502 to 599 (not 501 Not Implemented). */
    public static final Set<Integer> DEFAULT_FAILURE_STATUSES = RetryPolicy.defaultFailureStatuses();
    /** Shortest {@link Builder#stickySecret(byte[])}: 16 bytes. */
    public static final int MIN_SECRET_BYTES = 16;

    private final RouteTable routes;
    private final StickySessions sessions;
    private final Balancer balancer;
    private final CookieScope cookies;
    private final PoolStates states = new PoolStates();
    private final LoadMetricsHeader loadReports = new LoadMetricsHeader();
    private volatile boolean closed;

    private LoadBalancingInterceptor(InterceptorSettings s) {
        RetryPolicy policy = new RetryPolicy(s.maxTries, s.maxRequeues, s.retryOnTimeout, s.retryStatuses,
                s.failureStatuses);
        this.sessions = new StickySessions(s.stickyCookie, s.stickySecret, s.hashKeyHeader);
        this.cookies = s.cookieScope != null ? s.cookieScope : CookieScope.forThisOkHttp();
        this.balancer = new Balancer(policy, sessions, s.preserveHostHeader, loadReports, cookies);
        this.routes = states.build(s, sessions);
        log.info("lb4j OkHttp interceptor on OkHttp {} (cookie scope {}): routes {}, {}, retryStatuses={}, retry {}, requeue {}{}{}",
                OkHttpSupport.version(), cookies, routes, policy,
                s.retryStatuses, s.retryBudget, s.requeueBudget,
                s.stickyCookie == null ? "" : ", sticky cookie " + s.stickyCookie,
                s.hashKeyHeader == null ? "" : ", hash key header " + s.hashKeyHeader);
    }

    /** A builder; add at least one {@link Builder#pool(String, Pool) pool} or {@link Builder#route route}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The managed logical host names, in registration order. */
    public Set<String> logicalHosts() {
        return routes.hosts();
    }

    /**
     * The retry budget of a pool this interceptor routes to (retries of requests that reached a server).
     *
     * @throws IllegalArgumentException when no route uses {@code pool}
     */
    public RetryBudget retryBudget(Pool pool) {
        return states.policies(pool).retries();
    }

    /**
     * The requeue budget of a pool this interceptor routes to (new tries after connect failures).
     *
     * @throws IllegalArgumentException when no route uses {@code pool}
     */
    public RetryBudget requeueBudget(Pool pool) {
        return states.policies(pool).requeues();
    }

    /** {@code endpoint-load-metrics} response headers ignored because they were invalid, on every route. */
    public long rejectedLoadReports() {
        return loadReports.rejected();
    }

    /** Hedges sent so far (second tries of hedged requests), on every route. */
    public long hedgesSent() {
        return states.hedgesSent();
    }

    /** Hedged requests the hedge answered first, on every route. */
    public long hedgeWins() {
        return states.hedgeWins();
    }

    /**
     * The cookie jar to install as the client's on <b>OkHttp 4.12</b> (required there; also on OkHttp 5.0 to
     * 5.3): {@code jar} itself, except while this library sends a try of a balanced call, when it is scoped
     * to the call's logical host exactly as on OkHttp 5.4+ (where the interceptor does this per call
     * through {@code Interceptor.Chain.withCookieJar} and needs nothing installed). Installing it on OkHttp
     * 5.4+ is harmless: the interceptor then uses {@code jar}, so code meant for both versions may always
     * install it.
     * <pre>{@code
     * OkHttpClient client = new OkHttpClient.Builder()
     *         .cookieJar(LoadBalancingInterceptor.cookieJar(CookieJar.NO_COOKIES))   // or your jar
     *         .addInterceptor(lb)
     *         .build();
     * }</pre>
     * Install it as the client's jar itself (wrap your jar in it, not it in yours): on OkHttp 4.12, a call to
     * a logical host through a client whose jar is anything else fails with an
     * {@link IllegalStateException} saying so, before anything is sent. One jar may serve any number of
     * clients and interceptors. The scope is a thread-local set while the interceptor runs
     * {@code chain.proceed} on the calling thread, where OkHttp loads and stores cookies; so interceptors
     * below this one must call {@code proceed} on the thread that called them (OkHttp's own do), and a call
     * made on that thread meanwhile (e.g. from an {@code Authenticator}) through a client that shares this
     * jar but not the interceptor counts as part of the balanced call: refused unless it goes to a member
     * of the pool.
     *
     * @param jar the client's own jar, e.g. {@code CookieJar.NO_COOKIES} or a {@code JavaNetCookieJar}
     * @return a thread-safe jar (as thread-safe as {@code jar})
     */
    public static CookieJar cookieJar(CookieJar jar) {
        return new CookieScope.ScopedCookieJar(Checks.notNull("jar", jar));
    }

    /**
     * A {@link Dns} for the client that refuses to resolve this interceptor's logical host names and
     * delegates every other name: a safety net so that nothing below the interceptor (another
     * interceptor, a request built by hand for a client without this interceptor) reaches a logical name
     * through DNS; it fails with an {@link UnknownHostException} that says why.
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
            if (routes.isLogical(hostname)) {
                throw new LogicalHostLookupException("'" + hostname + "' is an lb4j logical host name and is never resolved:"
                        + " requests for it must go through the LoadBalancingInterceptor");
            }
            return delegate.lookup(hostname);
        };
    }

    /**
     * Releases what the interceptor registered on its pools (the sticky-token listeners and tables).
     * Afterwards a request for a logical host fails with an {@link IOException} and sends nothing; other
     * hosts still pass through. The pools are not closed. Idempotent.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            sessions.close();
            log.info("lb4j OkHttp interceptor closed: routes {}", routes);
        }
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        long started = System.nanoTime(); // to recognise the call timeout (RetryPolicy.isCallTimeout)
        Request request = chain.request();
        HttpUrl url = request.url();
        String host = RouteTable.withoutTrailingDot(url.host());
        Route[] candidates = routes.routes(host);
        if (candidates == null) {
            return cookies.passThrough(chain, request);
        }
        if (closed) {
            throw new IOException("LoadBalancingInterceptor is closed: request for logical host '" + host + "' not sent");
        }
        if (!host.equals(url.host())) {
            // "orders." is the fully qualified "orders": continue with the canonical name, so that cookies,
            // the Host header and the rewrite all see one name.
            request = request.newBuilder().url(url.newBuilder().host(host).build()).build();
        }
        Route route = RouteTable.find(host, candidates, request.url().encodedPath());
        return balancer.balance(chain, request, route, started);
    }

    @Override
    public String toString() {
        return "LoadBalancingInterceptor" + routes;
    }

    /**
     * Builds a {@link LoadBalancingInterceptor}. Every setter validates at once and its
     * {@link IllegalArgumentException} names the property, the value and what is allowed. Not thread-safe.
     */
    public static final class Builder {
        private final InterceptorSettings s = new InterceptorSettings();

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

        /** {@link #pool(String, Pool)} with per-route {@link RouteOptions} (load reports, hedging). */
        public Builder pool(String logicalHost, Pool pool, RouteOptions options) {
            return route(logicalHost, "/", pool, options);
        }

        /**
         * Adds a layer-7 route: requests for {@code logicalHost} whose path starts with {@code pathPrefix}
         * (segment-aware: {@code /static} matches {@code /static} and {@code /static/x}, not
         * {@code /staticfoo}) go to {@code pool}. The prefix is compared with the request's encoded path, in
         * the same form: {@code /café} matches {@code http://web/café/x}. A host's routes are tried in the
         * order they were added; the first match wins; a request no route matches fails with
         * {@link NoRouteIOException}.
         *
         * @throws IllegalArgumentException for an invalid host name, a prefix not starting with {@code /}
         *                                  or containing white space, {@code ?}, {@code #} or a {@code .} or
         *                                  {@code ..} segment, a null pool, a duplicate route, or a route an
         *                                  earlier route of the host makes unreachable
         */
        public Builder route(String logicalHost, String pathPrefix, Pool pool) {
            return route(logicalHost, pathPrefix, pool, RouteOptions.ofDefaults());
        }

        /**
         * {@link #route(String, String, Pool)} with per-route {@link RouteOptions}: reading the servers'
         * {@code endpoint-load-metrics} headers, hedging (which needs {@link #hedgeCallFactory}).
         *
         * @throws IllegalArgumentException as {@link #route(String, String, Pool)}, or for null options
         */
        public Builder route(String logicalHost, String pathPrefix, Pool pool, RouteOptions options) {
            s.routes.add(logicalHost, pathPrefix, pool, options);
            return this;
        }

        /**
         * The client that sends the tries of hedged requests, required when a route hedges: typically the
         * same client's {@code newBuilder()} <em>without</em> this interceptor (sharing its connection pool
         * and dispatcher). Hedged tries use its cookie jar, timeouts and redirect settings, and are enqueued on
         * its {@code Dispatcher}, whose limits (by default 64 calls, 5 per host) then bound the hedged calls in
         * flight: raise them above the number of concurrent callers.
         */
        public Builder hedgeCallFactory(okhttp3.Call.Factory factory) {
            s.hedgeCallFactory = Checks.notNull("hedgeCallFactory", factory);
            return this;
        }

        /**
         * Whether the {@code Host} header keeps the logical name (with the logical URL's port if it is not
         * the scheme's default) for virtual hosting behind the backends; default false (OkHttp sends the
         * server's address). A {@code Host} header the caller set is never changed.
         */
        public Builder preserveHostHeader(boolean preserve) {
            s.preserveHostHeader = preserve;
            return this;
        }

        /**
         * 1 to {@value LoadBalancingInterceptor#MAX_MAX_TRIES}: tries per call that may reach a server, the
         * first included; default {@value LoadBalancingInterceptor#DEFAULT_MAX_TRIES}; 1 disables retries.
         * Requeues after connect failures are not counted here (see {@link #maxRequeues(int)}).
         */
        public Builder maxTries(int maxTries) {
            s.maxTries = Checks.inRange("maxTries", maxTries, 1, MAX_MAX_TRIES);
            return this;
        }

        /**
         * 0 to {@value LoadBalancingInterceptor#MAX_MAX_REQUEUES}: new tries per call after tries that never
         * reached a server (connect failures); default {@value LoadBalancingInterceptor#DEFAULT_MAX_REQUEUES};
         * 0 disables requeues. A call never tries a server twice, so the pool's size bounds them too.
         */
        public Builder maxRequeues(int maxRequeues) {
            s.maxRequeues = Checks.inRange("maxRequeues", maxRequeues, 0, MAX_MAX_REQUEUES);
            return this;
        }

        /** Whether an idempotent request that timed out after it was sent is retried (nginx {@code timeout}); default true. */
        public Builder retryOnTimeout(boolean retry) {
            s.retryOnTimeout = retry;
            return this;
        }

        /**
         * Statuses (100 to 599) on which an idempotent, replayable request is retried on another server;
         * default {@link LoadBalancingInterceptor#DEFAULT_RETRY_STATUSES} (502, 503, 504; add 429 for nginx
         * {@code http_429}); empty for none.
         */
        public Builder retryStatuses(Collection<Integer> statuses) {
            s.retryStatuses = RetryPolicy.statuses("retryStatuses", statuses);
            return this;
        }

        /**
         * Statuses (100 to 599) that count as a failure of the server for passive health; default
         * {@link LoadBalancingInterceptor#DEFAULT_FAILURE_STATUSES} (500, 502–599). Add 429 to treat
         * throttling as unhealthy.
         */
        public Builder failureStatuses(Collection<Integer> statuses) {
            s.failureStatuses = RetryPolicy.statuses("failureStatuses", statuses);
            return this;
        }

        /** The retry budget's settings; each pool gets its own budget. Default {@link RetryBudgetConfig#ofDefaults()}. */
        public Builder retryBudget(RetryBudgetConfig config) {
            s.retryBudget = Checks.notNull("retryBudget", config);
            return this;
        }

        /**
         * The requeue budget's settings (tries after connect failures); each pool gets its own budget.
         * Default {@link LoadBalancingInterceptor#DEFAULT_REQUEUE_BUDGET} (200% of requests plus 20 per second).
         */
        public Builder requeueBudget(RetryBudgetConfig config) {
            s.requeueBudget = Checks.notNull("requeueBudget", config);
            return this;
        }

        /** The time source of the budgets; default {@link Ticker#system()}, tests pass a {@code ManualTicker}. */
        public Builder ticker(Ticker ticker) {
            s.ticker = Checks.notNull("ticker", ticker);
            return this;
        }

        /**
         * Turns on cookie session persistence with a cookie of this name (an RFC 6265 token, e.g.
         * {@code "SRV"}): the interceptor inserts a cookie whose value is an opaque token for the server that
         * answered (an HMAC of the pool name and server id under a secret, revealing neither id nor address),
         * saved in the client's {@code CookieJar} under the logical URL and added to the response; read from
         * the request's {@code Cookie} header or that jar and removed from the request sent to the server. A
         * forged, stale or unknown token is ignored (a normal pick, and a new cookie); a server no longer
         * eligible gets a normal pick and a new cookie.
         */
        public Builder stickyCookie(String cookieName) {
            s.stickyCookie = Checks.token("stickyCookie", cookieName,
                    "a non-empty cookie name of letters, digits and !#$%&'*+-.^_`|~");
            return this;
        }

        /**
         * The secret (at least {@value LoadBalancingInterceptor#MIN_SECRET_BYTES} bytes) under which sticky
         * tokens are computed; set the same secret on every client instance that must honour the others'
         * cookies. Default: 32 random bytes per interceptor. Requires {@link #stickyCookie(String)}.
         */
        public Builder stickySecret(byte[] secret) {
            Checks.notNull("stickySecret", secret);
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("stickySecret must be at least " + MIN_SECRET_BYTES + " bytes, was "
                        + secret.length + " bytes");
            }
            s.stickySecret = secret.clone();
            return this;
        }

        /**
         * A request header whose value becomes the pick's hash key ({@link PickContext#ofKey(String)}) when
         * there is no {@link RequestKey} tag; a hashing strategy then maps a key to the same server while
         * it is healthy.
         */
        public Builder hashKeyHeader(String headerName) {
            s.hashKeyHeader = Checks.token("hashKeyHeader", headerName, "a non-empty header name");
            return this;
        }

        /**
         * @throws IllegalArgumentException when no route was added, a route hedges but no
         *                                  {@link #hedgeCallFactory} was set, or a sticky secret was set
         *                                  without a sticky cookie
         */
        public LoadBalancingInterceptor build() {
            s.validate();
            return new LoadBalancingInterceptor(s);
        }

        /** Test hook: how call jars reach OkHttp (default: what the OkHttp on the class path supports). */
        Builder cookieScope(CookieScope scope) {
            s.cookieScope = scope;
            return this;
        }
    }
}
