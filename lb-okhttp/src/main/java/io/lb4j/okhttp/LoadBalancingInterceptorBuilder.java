package io.lb4j.okhttp;

import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Ticker;

import java.util.Collection;

/**
 * Builds a {@link LoadBalancingInterceptor}. Every setter validates at once and its
 * {@link IllegalArgumentException} names the property, the value and what is allowed. Not thread-safe.
 */
public final class LoadBalancingInterceptorBuilder {
    private final InterceptorSettings s = new InterceptorSettings();

    LoadBalancingInterceptorBuilder() {
    }

    /**
     * Sends every request for {@code logicalHost} (any path) to {@code pool}; the same as
     * {@code route(logicalHost, "/", pool)}.
     *
     * @param logicalHost a valid host name (RFC 1123, not an IP address), case-insensitive, not yet registered
     * @throws IllegalArgumentException naming {@code logicalHost} when it is invalid or already mapped
     */
    public LoadBalancingInterceptorBuilder pool(String logicalHost, Pool pool) {
        return route(logicalHost, "/", pool);
    }

    /** {@link #pool(String, Pool)} with per-route {@link RouteOptions} (load reports, hedging). */
    public LoadBalancingInterceptorBuilder pool(String logicalHost, Pool pool, RouteOptions options) {
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
    public LoadBalancingInterceptorBuilder route(String logicalHost, String pathPrefix, Pool pool) {
        return route(logicalHost, pathPrefix, pool, RouteOptions.ofDefaults());
    }

    /**
     * {@link #route(String, String, Pool)} with per-route {@link RouteOptions}: reading the servers'
     * {@code endpoint-load-metrics} headers, hedging (which needs {@link #hedgeCallFactory}).
     *
     * @throws IllegalArgumentException as {@link #route(String, String, Pool)}, or for null options
     */
    public LoadBalancingInterceptorBuilder route(String logicalHost, String pathPrefix, Pool pool, RouteOptions options) {
        s.routes.add(logicalHost, pathPrefix, pool, options);
        return this;
    }

    /**
     * The client that sends the tries of hedged requests, required when a route hedges: typically the
     * same client's {@code newBuilder()} <em>without</em> this interceptor (sharing its connection pool
     * and dispatcher). Hedged tries use its cookie jar, timeouts and redirect settings (for an
     * {@code OkHttpClient}, scoped as on any route: cookies are the logical host's, and redirects out of the pool
     * are refused before they are sent; another {@code Call.Factory} must neither follow them nor keep cookies),
     * and are enqueued on
     * its {@code Dispatcher}, whose limits (by default 64 calls, 5 per host) then bound the hedged calls in
     * flight: raise them above the number of concurrent callers.
     */
    public LoadBalancingInterceptorBuilder hedgeCallFactory(okhttp3.Call.Factory factory) {
        s.hedgeCallFactory = Checks.notNull("hedgeCallFactory", factory);
        return this;
    }

    /**
     * Whether the {@code Host} header keeps the logical name (with the logical URL's port if it is not
     * the scheme's default) for virtual hosting behind the backends; default false (OkHttp sends the
     * server's address). A {@code Host} header the caller set is never changed.
     */
    public LoadBalancingInterceptorBuilder preserveHostHeader(boolean preserve) {
        s.preserveHostHeader = preserve;
        return this;
    }

    /**
     * 1 to {@value LoadBalancingInterceptor#MAX_MAX_TRIES}: tries per call that may reach a server, the
     * first included; default {@value LoadBalancingInterceptor#DEFAULT_MAX_TRIES}; 1 disables retries.
     * Requeues after connect failures are not counted here (see {@link #maxRequeues(int)}).
     */
    public LoadBalancingInterceptorBuilder maxTries(int maxTries) {
        s.maxTries = Checks.inRange("maxTries", maxTries, 1, LoadBalancingInterceptor.MAX_MAX_TRIES);
        return this;
    }

    /**
     * 0 to {@value LoadBalancingInterceptor#MAX_MAX_REQUEUES}: new tries per call after tries that never
     * reached a server (connect failures); default {@value LoadBalancingInterceptor#DEFAULT_MAX_REQUEUES};
     * 0 disables requeues. A call never tries a server twice, so the pool's size bounds them too.
     */
    public LoadBalancingInterceptorBuilder maxRequeues(int maxRequeues) {
        s.maxRequeues = Checks.inRange("maxRequeues", maxRequeues, 0, LoadBalancingInterceptor.MAX_MAX_REQUEUES);
        return this;
    }

    /** Whether an idempotent request that timed out after it was sent is retried (nginx {@code timeout}); default true. */
    public LoadBalancingInterceptorBuilder retryOnTimeout(boolean retry) {
        s.retryOnTimeout = retry;
        return this;
    }

    /**
     * Statuses (100 to 599) on which an idempotent, replayable request is retried on another server;
     * default {@link LoadBalancingInterceptor#DEFAULT_RETRY_STATUSES} (502, 503, 504; add 429 for nginx
     * {@code http_429}); empty for none.
     */
    public LoadBalancingInterceptorBuilder retryStatuses(Collection<Integer> statuses) {
        s.retryStatuses = RetryPolicy.statuses("retryStatuses", statuses);
        return this;
    }

    /**
     * Statuses (100 to 599) that count as a failure of the server for passive health; default
     * {@link LoadBalancingInterceptor#DEFAULT_FAILURE_STATUSES} (500, 502–599). Add 429 to treat
     * throttling as unhealthy.
     */
    public LoadBalancingInterceptorBuilder failureStatuses(Collection<Integer> statuses) {
        s.failureStatuses = RetryPolicy.statuses("failureStatuses", statuses);
        return this;
    }

    /** The retry budget's settings; each pool gets its own budget. Default {@link RetryBudgetConfig#ofDefaults()}. */
    public LoadBalancingInterceptorBuilder retryBudget(RetryBudgetConfig config) {
        s.retryBudget = Checks.notNull("retryBudget", config);
        return this;
    }

    /**
     * The requeue budget's settings (tries after connect failures); each pool gets its own budget.
     * Default {@link LoadBalancingInterceptor#DEFAULT_REQUEUE_BUDGET} (200% of requests plus 20 per second).
     */
    public LoadBalancingInterceptorBuilder requeueBudget(RetryBudgetConfig config) {
        s.requeueBudget = Checks.notNull("requeueBudget", config);
        return this;
    }

    /** The time source of the budgets; default {@link Ticker#system()}, tests pass a {@code ManualTicker}. */
    public LoadBalancingInterceptorBuilder ticker(Ticker ticker) {
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
    public LoadBalancingInterceptorBuilder stickyCookie(String cookieName) {
        s.stickyCookie = Checks.token("stickyCookie", cookieName,
                "a non-empty cookie name of letters, digits and !#$%&'*+-.^_`|~");
        return this;
    }

    /**
     * The secret (at least {@value LoadBalancingInterceptor#MIN_SECRET_BYTES} bytes) under which sticky
     * tokens are computed; set the same secret on every client instance that must honour the others'
     * cookies. Default: 32 random bytes per interceptor. Requires {@link #stickyCookie(String)}.
     */
    public LoadBalancingInterceptorBuilder stickySecret(byte[] secret) {
        Checks.notNull("stickySecret", secret);
        if (secret.length < LoadBalancingInterceptor.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("stickySecret must be at least " + LoadBalancingInterceptor.MIN_SECRET_BYTES + " bytes, was "
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
    public LoadBalancingInterceptorBuilder hashKeyHeader(String headerName) {
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
    LoadBalancingInterceptorBuilder cookieScope(CookieScope scope) {
        s.cookieScope = scope;
        return this;
    }
}
