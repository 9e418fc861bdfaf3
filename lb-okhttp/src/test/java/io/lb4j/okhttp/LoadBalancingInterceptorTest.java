package io.lb4j.okhttp;

import io.lb4j.api.NoAvailableServerException;
import io.lb4j.pool.LoadBalancingPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadBalancingInterceptorTest extends InterceptorTestBase {

    @Test
    void spreadsTrafficOverThePoolAccordingToTheStrategy() {
        List<Backend> backends = backends("a", "b", "c");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();

        Map<String, Integer> bodies = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            bodies.merge(call(client, get("http://orders/api/items")), 1, Integer::sum);
        }

        // a strict rotation over 3 servers: exactly 10 each
        assertThat(bodies).isEqualTo(Map.of("200 a", 10, "200 b", 10, "200 c", 10));
        assertThat(backends).allMatch(b -> b.hits.get() == 10);
        assertThat(orders.stats("a").successes()).isEqualTo(10);
        assertThat(orders.stats("a").inFlight()).isZero();
    }

    @Test
    void rewritesHostAndPortAndKeepsSchemePathQueryAndHeaders() {
        Backend a = backend("a");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(a));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();

        call(client, new Request.Builder().url("http://orders:9999/api/items?q=1&sort=desc").header("X-Trace", "t1").build());

        Seen r = a.lastRequest();
        assertThat(r.target()).isEqualTo("/api/items?q=1&sort=desc");
        assertThat(r.header("X-Trace")).isEqualTo("t1");
        assertThat(r.header("Host")).isEqualTo("127.0.0.1:" + a.port());
    }

    @Test
    void preserveHostHeaderSendsTheLogicalNameToTheServer() {
        Backend a = backend("a");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(a));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders)
                .preserveHostHeader(true).build(), dns).build();

        call(client, get("http://orders/api"));
        String plain = a.lastRequest().header("Host");
        call(client, get("http://orders:8080/api"));
        String withPort = a.lastRequest().header("Host");
        call(client, new Request.Builder().url("http://orders/api").header("Host", "explicit.example").build());
        String explicit = a.lastRequest().header("Host");

        assertThat(plain).isEqualTo("orders");
        assertThat(withPort).isEqualTo("orders:8080");
        assertThat(explicit).isEqualTo("explicit.example");
    }

    @Test
    void requestsForUnmanagedHostsPassThroughUntouched() {
        Backend member = backend("a");
        Backend outsider = backend("outsider");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(member));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();

        String result = call(client, get("http://127.0.0.1:" + outsider.port() + "/direct?x=1"));

        assertThat(result).isEqualTo("200 outsider");
        assertThat(outsider.lastRequest().target()).isEqualTo("/direct?x=1");
        assertThat(member.hits.get()).isZero();
        assertThat(orders.stats("a").picks()).isZero();
    }

    @Test
    void routesByPathPrefixFirstMatchWins() {
        Backend staticServer = backend("static-1");
        Backend webServer = backend("web-1");
        LoadBalancingPool statics = pool("static", TestStrategies.rotation(), List.of(staticServer));
        LoadBalancingPool web = pool("web", TestStrategies.rotation(), List.of(webServer));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder()
                .route("www", "/static/", statics)
                .route("www", "/", web)
                .build(), dns).build();

        assertThat(call(client, get("http://www/static/app.css"))).isEqualTo("200 static-1");
        assertThat(call(client, get("http://www/index.html"))).isEqualTo("200 web-1");
        assertThat(call(client, get("http://www/staticfoo"))).isEqualTo("200 web-1");
        assertThat(call(client, get("http://www/static"))).isEqualTo("200 web-1");
        assertThat(staticServer.lastRequest().target()).isEqualTo("/static/app.css");
    }

    @Test
    void prefixWithoutTrailingSlashMatchesWholeSegmentsOnly() {
        assertThat(RouteTable.matches("/static", "/static")).isTrue();
        assertThat(RouteTable.matches("/static", "/static/x")).isTrue();
        assertThat(RouteTable.matches("/static", "/staticfoo")).isFalse();
        assertThat(RouteTable.matches("/static/", "/static")).isFalse();
        assertThat(RouteTable.matches("/", "/anything")).isTrue();
    }

    @Test
    void pathThatNoRouteMatchesFailsWithAClearMessageAndSendsNothing() {
        Backend api = backend("api-1");
        LoadBalancingPool pool = pool("api", TestStrategies.rotation(), List.of(api));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().route("www", "/api/", pool).build(), dns)
                .build();

        assertThatThrownBy(() -> client.newCall(get("http://www/other")).execute())
                .isInstanceOf(NoRouteIOException.class)
                .hasMessageContaining("'www'").hasMessageContaining("'/other'").hasMessageContaining("www/api/ -> pool 'api'");
        assertThat(api.hits.get()).isZero();
    }

    @Test
    void poolWithoutAvailableServerFailsWithIOExceptionNamingThePoolAndWhy() {
        List<Backend> backends = backends("a", "b");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        orders.markDown("a");
        orders.markDown("b");
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();

        assertThatThrownBy(() -> client.newCall(get("http://orders/api")).execute())
                .isInstanceOf(NoAvailableServerIOException.class)
                .hasMessage("pool 'orders' has no available server: all 2 servers are down")
                .hasCauseInstanceOf(NoAvailableServerException.class)
                .satisfies(e -> assertThat(((NoAvailableServerIOException) e).reason())
                        .isEqualTo(NoAvailableServerException.Reason.NONE_AVAILABLE));
        assertThat(totalHits(backends)).isZero();
        assertThat(dns.lookups).isEmpty();
    }

    @Test
    void cancelledCallIsADropNotAFailure() {
        Backend a = backend("a");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(a));
        Interceptor cancelBeforeSending = chain -> {
            chain.call().cancel();
            return chain.proceed(chain.request());
        };
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns)
                .addInterceptor(cancelBeforeSending).build();

        assertThatThrownBy(() -> client.newCall(get("http://orders/api")).execute()).isInstanceOf(IOException.class);

        assertThat(orders.stats("a").drops()).isEqualTo(1);
        assertThat(orders.stats("a").failures()).isZero();
        assertThat(orders.stats("a").inFlight()).isZero();
        assertThat(orders.state("a")).isEqualTo(io.lb4j.api.HealthState.UP);
    }

    @Test
    void status501IsNotAFailureBut500Is() throws IOException {
        Backend a = backend("a");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(),
                io.lb4j.pool.PoolConfig.custom().passiveHealth(io.lb4j.pool.PassiveHealth.disabled()).build(), List.of(a));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();

        a.answer(501);
        try (Response r = client.newCall(get("http://orders/x")).execute()) {
            assertThat(r.code()).isEqualTo(501);
        }
        a.answer(500);
        try (Response r = client.newCall(get("http://orders/x")).execute()) {
            assertThat(r.code()).isEqualTo(500);
        }

        assertThat(orders.stats("a").successes()).isEqualTo(1);
        assertThat(orders.stats("a").failures()).isEqualTo(1);
    }

    @Test
    void hashKeyFromHeaderOrTagIsTheKeyOfThePickContext() {
        List<Backend> backends = backends("a", "b", "c", "d");
        java.util.concurrent.atomic.AtomicReference<String> lastKey = new java.util.concurrent.atomic.AtomicReference<>();
        LoadBalancingPool orders = pool("orders", TestStrategies.keyed(lastKey), backends);
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders)
                .hashKeyHeader("X-User").build(), dns).build();

        java.util.Set<String> servers = new java.util.HashSet<>();
        for (int i = 0; i < 8; i++) {
            servers.add(call(client, new Request.Builder().url("http://orders/cart").header("X-User", "user-42").build()));
        }
        String byHeader = lastKey.get();
        call(client, new Request.Builder().url("http://orders/cart").tag(RequestKey.class, new RequestKey("tagged")).build());
        String byTag = lastKey.get();

        assertThat(servers).hasSize(1);
        assertThat(byHeader).isEqualTo("user-42");
        assertThat(byTag).isEqualTo("tagged");
    }

    @Test
    void absoluteRedirectToTheLogicalUrlIsRefusedBeforeAnyLookup() {
        Backend a = backend("a");
        a.handler = r -> r.path().equals("/old")
                ? Reply.status(302).header("Location", "http://orders/new?t=1").build()
                : Backend.ok("a " + r.path());
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(a));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).build();
        OkHttpClient client = Fixtures.client(lb, lb.guardDns(dns)).build();

        assertThatThrownBy(() -> client.newCall(get("http://orders/old")).execute())
                .isInstanceOfSatisfying(RedirectRefusedException.class, e -> {
                    assertThat(e.logicalHost()).isEqualTo("orders");
                    assertThat(e.target()).isEqualTo("http://orders:80/new"); // never the query
                    assertThat(e).hasMessageContaining("server a").hasMessageContaining("'orders'");
                });
        assertThat(dns.lookups).doesNotContain("orders");
        assertThat(a.hits.get()).isEqualTo(1);
        assertThat(orders.stats("a").failures()).isZero(); // the server answered; the client refused the redirect
        assertThat(orders.stats("a").drops()).isEqualTo(1);
    }

    @Test
    void relativeRedirectStaysOnTheSameServer() {
        Backend a = backend("a");
        a.handler = r -> r.path().equals("/old")
                ? Reply.status(302).header("Location", "/new").build()
                : Backend.ok("a " + r.path());
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(a));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).build();
        OkHttpClient client = Fixtures.client(lb, lb.guardDns(dns)).build();

        assertThat(call(client, get("http://orders/old"))).isEqualTo("200 a /new");
    }

    @Test
    void concurrentCallsAllSucceedAndCompleteEveryLease() throws Exception {
        List<Backend> backends = backends("a", "b", "c");
        backends.get(2).answer(503);
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(pool.submit(() -> call(client, get("http://orders/x"))));
            }
            for (java.util.concurrent.Future<String> f : results) {
                assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).isIn("200 a", "200 b");
            }
        } finally {
            pool.shutdownNow();
        }

        for (io.lb4j.api.EndpointStats s : orders.stats()) {
            assertThat(s.inFlight()).as("in flight on %s", s.server().id()).isZero();
            assertThat(s.successes() + s.failures() + s.drops()).as("completed leases on %s", s.server().id())
                    .isEqualTo(s.picks());
        }
        assertThat(orders.stats("a").successes() + orders.stats("b").successes()).isEqualTo(200);
    }

    @Test
    void fullyQualifiedLogicalNameWithTrailingDotGoesToThePool() {
        Backend a = backend("a");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(a));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).preserveHostHeader(true)
                .build();
        OkHttpClient client = Fixtures.client(lb, lb.guardDns(dns)).build();

        assertThat(call(client, get("http://orders./x?q=1"))).isEqualTo("200 a");

        assertThat(a.lastRequest().target()).isEqualTo("/x?q=1");
        assertThat(a.lastRequest().header("Host")).isEqualTo("orders");
        assertThat(orders.stats("a").successes()).isEqualTo(1);
        assertThat(dns.lookups).doesNotContain("orders.", "orders");
    }

    @Test
    void guardDnsRefusesTheLogicalNameWithATrailingDot() throws Exception {
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(backend("a")));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).build();
        okhttp3.Dns guard = lb.guardDns(dns);

        assertThatThrownBy(() -> guard.lookup("orders.")).isInstanceOf(java.net.UnknownHostException.class)
                .hasMessageContaining("lb4j logical host name");
        assertThatThrownBy(() -> guard.lookup("ORDERS.")).isInstanceOf(java.net.UnknownHostException.class)
                .hasMessageContaining("lb4j logical host name");
        assertThat(guard.lookup("127.0.0.1")).hasSize(1);
        assertThat(dns.lookups).containsExactly("127.0.0.1");
    }

    @Test
    void nonAsciiRoutePrefixMatchesTheRequestsEncodedPath() {
        Backend cafe = backend("cafe-1");
        Backend web = backend("web-1");
        LoadBalancingPool cafes = pool("cafes", TestStrategies.rotation(), List.of(cafe));
        LoadBalancingPool webs = pool("web", TestStrategies.rotation(), List.of(web));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .route("www", "/café", cafes)
                .route("www", "/", webs)
                .build();
        OkHttpClient client = Fixtures.client(lb, dns).build();

        assertThat(call(client, get("http://www/café/menu"))).isEqualTo("200 cafe-1");
        assertThat(call(client, get("http://www/caf%C3%A9"))).isEqualTo("200 cafe-1");
        assertThat(call(client, get("http://www/cafe"))).isEqualTo("200 web-1");
        assertThat(cafe.lastRequest().target()).isEqualTo("/caf%C3%A9");
        assertThat(lb.toString()).contains("www/caf%C3%A9 -> pool 'cafes'");
    }

    @Test
    void routePrefixesAreComparedInEncodedForm() {
        LoadBalancingPool a = pool("a", TestStrategies.rotation(), List.of(backend("a")));
        LoadBalancingPool b = pool("b", TestStrategies.rotation(), List.of(backend("b")));
        LoadBalancingInterceptorBuilder builder = LoadBalancingInterceptor.builder().route("www", "/café/", a);

        assertThatThrownBy(() -> builder.route("www", "/caf%C3%A9/", b))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already mapped");
        assertThatThrownBy(() -> builder.route("www", "/a/../admin", b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pathPrefix must not contain '.' or '..' segments, was '/a/../admin'");
    }
}
