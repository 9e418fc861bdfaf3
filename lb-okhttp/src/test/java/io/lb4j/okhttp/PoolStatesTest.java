package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PoolStates}: one set of policies per pool, shared by its routes, and the lookups over them. */
class PoolStatesTest extends InterceptorTestBase {
    private final StickySessions sessions = new StickySessions(null, null, null);

    private LoadBalancingPool pool(String name) {
        return pool(name, TestStrategies.first(), PoolConfig.ofDefaults(), List.of(backend(name + "-a")));
    }

    @Test
    void everyRouteToAPoolSharesThePoolsBudgets() {
        LoadBalancingPool orders = pool("orders");
        InterceptorSettings settings = new InterceptorSettings();
        settings.routes.add("shop", "/orders", orders);
        settings.routes.add("api", "/", orders);
        PoolStates states = new PoolStates();

        states.build(settings, sessions);

        Route.PoolPolicies pp = states.policies(orders);
        assertThat(pp.retries().config()).isSameAs(settings.retryBudget);
        assertThat(pp.requeues().config()).isSameAs(settings.requeueBudget);
        assertThat(pp.retries()).isNotSameAs(pp.requeues());
    }

    @Test
    void distinctPoolsGetDistinctBudgets() {
        LoadBalancingPool a = pool("a");
        LoadBalancingPool b = pool("b");
        InterceptorSettings settings = new InterceptorSettings();
        settings.routes.add("svc-a", "/", a);
        settings.routes.add("svc-b", "/", b);
        PoolStates states = new PoolStates();

        states.build(settings, sessions);

        assertThat(states.policies(a).retries()).isNotSameAs(states.policies(b).retries());
    }

    @Test
    void aPoolNoRouteUsesIsRefusedNamingIt() {
        InterceptorSettings settings = new InterceptorSettings();
        settings.routes.add("svc", "/", pool("routed"));
        PoolStates states = new PoolStates();
        states.build(settings, sessions);

        assertThatThrownBy(() -> states.policies(pool("stranger"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool 'stranger' is not routed by this interceptor");
        assertThatThrownBy(() -> states.policies(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool null is not routed by this interceptor");
    }

    @Test
    void hedgeCountersStartAtZeroWithAHedgingRoute() {
        InterceptorSettings settings = new InterceptorSettings();
        settings.routes.add("svc", "/", pool("svc"), RouteOptions.custom()
                .hedging(HedgingConfig.custom().delay(Duration.ofMillis(100)).build()).build());
        settings.hedgeCallFactory = new OkHttpClient();
        PoolStates states = new PoolStates();

        states.build(settings, sessions);

        assertThat(states.hedgesSent()).isZero();
        assertThat(states.hedgeWins()).isZero();
    }
}
