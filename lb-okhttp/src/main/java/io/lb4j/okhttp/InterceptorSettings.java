package io.lb4j.okhttp;

import io.lb4j.api.Ticker;
import okhttp3.Call;

import java.util.Set;

/**
 * The settings a {@link LoadBalancingInterceptorBuilder} collects, each starting at its default (the
 * interceptor's {@code DEFAULT_*} constants), and the checks across settings made when the interceptor is
 * built. Each setter of the builder validates its own value before storing it here.
 *
 * <p>Not thread-safe: confined to one builder, and read only by the constructor of the interceptor it builds.
 */
final class InterceptorSettings {
    final RouteTable.Builder routes = new RouteTable.Builder();
    int maxTries = LoadBalancingInterceptor.DEFAULT_MAX_TRIES;
    int maxRequeues = LoadBalancingInterceptor.DEFAULT_MAX_REQUEUES;
    boolean retryOnTimeout = true;
    Set<Integer> retryStatuses = LoadBalancingInterceptor.DEFAULT_RETRY_STATUSES;
    Set<Integer> failureStatuses = LoadBalancingInterceptor.DEFAULT_FAILURE_STATUSES;
    RetryBudgetConfig retryBudget = RetryBudgetConfig.ofDefaults();
    RetryBudgetConfig requeueBudget = LoadBalancingInterceptor.DEFAULT_REQUEUE_BUDGET;
    Ticker ticker = Ticker.system();
    boolean preserveHostHeader;
    String stickyCookie;
    byte[] stickySecret;
    String hashKeyHeader;
    Call.Factory hedgeCallFactory;
    /** null: the one for the OkHttp on the class path; tests force {@link CookieScope#THREAD} on OkHttp 5 too. */
    CookieScope cookieScope;

    /**
     * @throws IllegalArgumentException when no route was added, a route hedges without a hedge call factory,
     *                                  or a sticky secret was set without a sticky cookie
     */
    void validate() {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("routes must not be empty: add at least one pool(logicalHost, pool)"
                    + " or route(logicalHost, pathPrefix, pool)");
        }
        if (routes.hedges() && hedgeCallFactory == null) {
            throw new IllegalArgumentException("a route hedges but hedgeCallFactory is not set; set"
                    + " hedgeCallFactory(client) to a client without this interceptor");
        }
        if (stickySecret != null && stickyCookie == null) {
            throw new IllegalArgumentException("stickySecret is set but stickyCookie is not; set stickyCookie(name)");
        }
    }
}
