package io.lb4j.okhttp;

import io.lb4j.api.Pool;

/**
 * One layer-7 route of a {@link RouteTable}: requests for {@code host} whose encoded path {@code prefix}
 * matches go to {@code pool}, under that pool's {@link PoolPolicies}. Immutable.
 *
 * @param host     the canonical logical host name (lower case, no trailing dot)
 * @param prefix   the encoded, segment-aware path prefix
 * @param pool     where matching requests go
 * @param policies the per-pool state, shared by every route to the same pool
 * @param options  the route's options (load reports, hedging)
 * @param hedger   the route's hedging state, or null when the route does not hedge
 */
record Route(String host, String prefix, Pool pool, PoolPolicies policies, RouteOptions options, Hedger hedger) {

    /**
     * What an interceptor keeps per pool: the budgets of retries (requests that reached a server) and of
     * requeues (connect failures, nothing sent), and the sticky-session tokens (null without a sticky
     * cookie). Each part is thread-safe.
     */
    record PoolPolicies(RetryBudget retries, RetryBudget requeues, StickyTokens sticky) {
    }
}
