package io.lb4j.okhttp;

import io.lb4j.api.Lease;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
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
 *   <li><b>Route</b>: the host and path pick a pool ({@link LoadBalancingInterceptorBuilder#route}); a host
 *       that is not logical passes through untouched, a path no route matches fails with
 *       {@link NoRouteIOException}, a pool with no eligible server with {@link NoAvailableServerIOException};
 *       neither sends anything.</li>
 *   <li><b>Pick</b> with the request's hash key or sticky cookie
 *       ({@link LoadBalancingInterceptorBuilder#hashKeyHeader},
 *       {@link LoadBalancingInterceptorBuilder#stickyCookie}; a token resolves only to a current member), and
 *       <b>rewrite</b> the URL to the server's host and port (scheme, path, query, headers and tags kept; with
 *       {@link LoadBalancingInterceptorBuilder#preserveHostHeader} the {@code Host} header keeps the logical
 *       name).</li>
 *   <li><b>Send</b> with the client's cookie jar scoped to the logical host (on OkHttp 4.12 the client's jar
 *       must be {@link #cookieJar(CookieJar)}), as a browser behind a reverse proxy: members share the logical
 *       host's cookies; nothing a member sets is stored where it would reach a host outside the pool; a redirect
 *       OkHttp would follow to an address outside the pool (or to the logical URL, which only this interceptor
 *       can balance) is refused before it is sent, with a {@link RedirectRefusedException} naming the logical
 *       host and the target. A relative redirect, or one to another member, is followed.</li>
 *   <li><b>Report</b> the outcome on the try's {@link Lease}, held until the response headers arrive:
 *       success; failure on an {@link IOException}, a status in
 *       {@link LoadBalancingInterceptorBuilder#failureStatuses} (default 500, 502–599), or when the client's
 *       {@code callTimeout} expired while the server had the try (never retried); drop when the call was
 *       cancelled, the thread interrupted, a redirect refused, or something other than an I/O error was
 *       thrown below the interceptor (the caller then gets it as the cause of an {@link IOException}: an
 *       OkHttp caller sees IOExceptions only).</li>
 *   <li><b>Requeue</b> a try that never reached a server (connection refused, connect timeout, no route,
 *       unknown host, TLS handshake) on another server, for any method, up to
 *       {@link LoadBalancingInterceptorBuilder#maxRequeues} per call and within the pool's requeue budget
 *       ({@link LoadBalancingInterceptorBuilder#requeueBudget}); or <b>retry</b> a request that reached a server
 *       and failed (I/O error, read timeout unless
 *       {@link LoadBalancingInterceptorBuilder#retryOnTimeout retryOnTimeout(false)}, a status in
 *       {@link LoadBalancingInterceptorBuilder#retryStatuses}, default 502–504) only if it is idempotent (GET,
 *       HEAD, OPTIONS, TRACE, PUT, DELETE, or tagged {@link Idempotent#YES}) and its body is not one-shot, up to
 *       {@link LoadBalancingInterceptorBuilder#maxTries} tries and within the pool's {@link RetryBudget}. Never
 *       the same server twice in one call. When nothing more is allowed the caller gets the last outcome, with
 *       the earlier tries' failures attached as suppressed exceptions.</li>
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
    /** Largest {@link LoadBalancingInterceptorBuilder#maxTries(int)}. */
    public static final int MAX_MAX_TRIES = 100;
    /** Default requeues per call (tries after a connect failure); the pool's size bounds them too. */
    public static final int DEFAULT_MAX_REQUEUES = 10;
    /** Largest {@link LoadBalancingInterceptorBuilder#maxRequeues(int)}. */
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
    /** Shortest {@link LoadBalancingInterceptorBuilder#stickySecret(byte[])}: 16 bytes. */
    public static final int MIN_SECRET_BYTES = 16;

    private final RouteTable routes;
    private final StickySessions sessions;
    private final Balancer balancer;
    private final CookieScope cookies;
    private final PoolStates states = new PoolStates();
    private final LoadMetricsHeader loadReports = new LoadMetricsHeader();
    private volatile boolean closed;

    LoadBalancingInterceptor(InterceptorSettings s) {
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

    /**
     * A builder; add at least one {@link LoadBalancingInterceptorBuilder#pool(String, Pool) pool} or
     * {@link LoadBalancingInterceptorBuilder#route route}.
     */
    public static LoadBalancingInterceptorBuilder builder() {
        return new LoadBalancingInterceptorBuilder();
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
}
