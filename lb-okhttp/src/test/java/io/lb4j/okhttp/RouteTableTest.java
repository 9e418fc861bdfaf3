package io.lb4j.okhttp;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RouteTable} on its own: lookup, first match, trailing dots, rewriting. */
class RouteTableTest {
    private final Pool web = LoadBalancingPool.builder("web").strategy(TestStrategies.rotation())
            .ticker(new ManualTicker()).server(Server.of("127.0.0.1", 1)).build();
    private final Pool assets = LoadBalancingPool.builder("assets").strategy(TestStrategies.rotation())
            .ticker(new ManualTicker()).server(Server.of("127.0.0.1", 2)).build();

    @AfterEach
    void close() {
        web.close();
        assets.close();
    }

    private RouteTable table() {
        RouteTable.Builder b = new RouteTable.Builder();
        b.add("Web", "/static/", assets);
        b.add("web", "/", web);
        return b.build(p -> new Route.PoolPolicies(null, null, null));
    }

    @Test
    void firstMatchingRouteOfTheCanonicalHostWins() throws Exception {
        RouteTable t = table();

        assertThat(RouteTable.find("web", t.routes("web"), "/static/a.css").pool()).isSameAs(assets);
        assertThat(RouteTable.find("web", t.routes("web"), "/static").pool()).isSameAs(web);
        assertThat(t.routes("other")).isNull();
        assertThat(t.isLogical("WEB.")).isTrue();
        assertThat(t.isLogical("web.example")).isFalse();
        assertThat(t.hosts()).containsExactly("web");
        assertThat(t).hasToString("[web/static/ -> pool 'assets', web/ -> pool 'web']");
    }

    @Test
    void routesToTheSamePoolShareItsPolicies() {
        RouteTable.Builder b = new RouteTable.Builder();
        b.add("a", "/", web);
        b.add("b", "/", web);
        RouteTable t = b.build(p -> new Route.PoolPolicies(null, null, null));

        assertThat(t.routes("a")[0].policies()).isSameAs(t.routes("b")[0].policies());
    }

    @Test
    void pathNoRouteMatchesIsRefusedNamingTheHostAndRoutes() {
        RouteTable.Builder b = new RouteTable.Builder();
        b.add("web", "/api", web);
        RouteTable t = b.build(p -> new Route.PoolPolicies(null, null, null));

        assertThatThrownBy(() -> RouteTable.find("web", t.routes("web"), "/apix"))
                .isInstanceOf(NoRouteIOException.class)
                .hasMessage("no route of logical host 'web' matches path '/apix'; routes: [web/api -> pool 'web']");
    }

    @Test
    void rewriteChangesOnlyHostAndPortAndHostHeaderKeepsTheLogicalName() throws Exception {
        Request logical = new Request.Builder().url("https://web:8443/a/b?q=1").header("X-Trace", "t").build();

        Request sent = RouteTable.rewrite(RouteTable.withHostHeader(logical), Server.of("10.0.0.7", 9000));

        assertThat(sent.url().toString()).isEqualTo("https://10.0.0.7:9000/a/b?q=1");
        assertThat(sent.header("X-Trace")).isEqualTo("t");
        assertThat(sent.header("Host")).isEqualTo("web:8443");
        assertThat(RouteTable.withHostHeader(logical.newBuilder().header("Host", "mine").build()).header("Host"))
                .isEqualTo("mine");
    }
}
