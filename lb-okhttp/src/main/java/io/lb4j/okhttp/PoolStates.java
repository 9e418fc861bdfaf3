package io.lb4j.okhttp;

import io.lb4j.api.Pool;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link LoadBalancingInterceptor} keeps per pool and per hedging route, created while its
 * {@link RouteTable} is built: each pool's retry and requeue {@link RetryBudget}s and sticky tokens
 * ({@link Route.PoolPolicies}, shared by every route to the pool), and each hedging route's {@link Hedger};
 * and the lookups the interceptor's public accessors make in them.
 *
 * <p>Thread-safety: filled only by {@link #build}, called once from the interceptor's constructor, and read
 * only afterwards; published with the interceptor's final field. The budgets and hedgers are thread-safe.
 */
final class PoolStates {
    private final Map<Pool, Route.PoolPolicies> byPool = new IdentityHashMap<>();
    private final List<Hedger> hedgers = new ArrayList<>();

    /** The route table of {@code settings}, with a new budget pair and sticky tokens per pool and a new hedger per hedging route. */
    RouteTable build(InterceptorSettings settings, StickySessions sessions) {
        return settings.routes.build(p -> {
            Route.PoolPolicies pp = new Route.PoolPolicies(
                    new RetryBudget("retry", p.name(), settings.retryBudget, settings.ticker),
                    new RetryBudget("requeue", p.name(), settings.requeueBudget, settings.ticker), sessions.tokensFor(p));
            byPool.put(p, pp);
            return pp;
        }, (p, hedging) -> {
            Hedger h = new Hedger(p.name(), hedging, HedgeGuard.confine(settings.hedgeCallFactory,
                    settings.cookieScope != null ? settings.cookieScope : CookieScope.forThisOkHttp(), settings.stickyCookie),
                    settings.ticker);
            hedgers.add(h);
            return h;
        });
    }

    /** @throws IllegalArgumentException when no route uses {@code pool} */
    Route.PoolPolicies policies(Pool pool) {
        Route.PoolPolicies p = byPool.get(pool);
        if (p == null) {
            throw new IllegalArgumentException("pool " + (pool == null ? "null" : "'" + pool.name() + "'")
                    + " is not routed by this interceptor");
        }
        return p;
    }

    /** Hedges sent so far, on every hedging route. */
    long hedgesSent() {
        return hedgers.stream().mapToLong(h -> h.hedged.sum()).sum();
    }

    /** Hedged requests the hedge answered first, on every hedging route. */
    long hedgeWins() {
        return hedgers.stream().mapToLong(h -> h.hedgeWins.sum()).sum();
    }
}
