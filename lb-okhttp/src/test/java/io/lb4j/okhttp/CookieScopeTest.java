package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import okhttp3.Cookie;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.List;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cookies and redirects are scoped as a browser behind a reverse proxy at the logical host would scope
 * them: real MockWebServers, one or two in the pool and one outside it, and a real {@code CookieJar}
 * that honours domain and path matching.
 */
class CookieScopeTest extends InterceptorTestBase {
    private final Fixtures.MemoryCookieJar jar = new Fixtures.MemoryCookieJar();

    private static Reply redirect(String location, String... setCookies) {
        Reply b = Reply.status(302).header("Location", location);
        for (String c : setCookies) {
            b.header("Set-Cookie", c);
        }
        return b.build();
    }

    private static Reply ok(String body, String... setCookies) {
        Reply b = Reply.status(200).body(body);
        for (String c : setCookies) {
            b.header("Set-Cookie", c);
        }
        return b.build();
    }

    private OkHttpClient.Builder client(LoadBalancingPool pool) {
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", pool).build();
        return Fixtures.client(lb, lb.guardDns(dns)).cookieJar(Fixtures.clientJar(jar));
    }

    private List<String> domains() {
        return jar.cookies.stream().map(c -> c.name() + "@" + c.domain() + (c.hostOnly() ? "" : " (domain)")).toList();
    }

    @Test
    void memberRedirectToAHostOutsideThePoolIsRefusedAndNoCookieLeaves() {
        Backend a = backend("a");
        Backend outside = backend("outside");
        String target = "http://127.0.0.1:" + outside.port() + "/collect";
        a.handler = r -> r.path().equals("/login") ? ok("a", "SESSION=s3cret; Path=/; HttpOnly")
                : redirect(target + "?token=abc", "LAST=redirect; Path=/");
        outside.handler = r -> ok("outside", "planted=1; Path=/");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        OkHttpClient client = client(orders).build();

        assertThat(call(client, get("http://orders/login"))).isEqualTo("200 a");
        assertThatThrownBy(() -> client.newCall(get("http://orders/redirect")).execute())
                .isInstanceOfSatisfying(RedirectRefusedException.class, e -> {
                    assertThat(e.logicalHost()).isEqualTo("orders");
                    assertThat(e.target()).isEqualTo(target);
                    assertThat(e).hasMessageContaining("'orders'").hasMessageContaining(target)
                            .hasMessageNotContaining("token=abc");
                });

        assertThat(outside.hits.get()).as("nothing reached the outside server").isZero();
        assertThat(domains()).containsExactlyInAnyOrder("SESSION@orders", "LAST@orders");
        assertThat(orders.stats("a").drops()).isEqualTo(1);
        assertThat(orders.stats("a").failures()).isZero();
    }

    @Test
    void responsesFromOutsideThePoolNeverStoreCookiesUnderTheLogicalHost() throws IOException {
        Backend a = backend("a");
        Backend outside = backend("outside");
        outside.handler = r -> r.path().equals("/to-logical")
                ? redirect("http://orders/steal", "evil=1; Path=/", "planted=1; Domain=orders; Path=/")
                : redirect("http://127.0.0.1:" + a.port() + "/direct", "evil2=1; Path=/");
        a.handler = r -> r.path().equals("/direct") ? ok("a direct", "direct=1; Path=/")
                : ok("a " + r.path());
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        OkHttpClient client = client(orders).build();
        String outsideUrl = "http://127.0.0.1:" + outside.port();

        // outside -> absolute logical URL: OkHttp follows below the interceptor; the guard refuses the name
        assertThatThrownBy(() -> client.newCall(get(outsideUrl + "/to-logical")).execute())
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("logical host name");
        // outside -> a member's address: an ordinary request to that address, not through the logical host
        assertThat(call(client, get(outsideUrl + "/to-member"))).isEqualTo("200 a direct");
        // then the logical host: none of those cookies is sent to the pool, though every server is 127.0.0.1
        assertThat(call(client, get("http://orders/cart"))).isEqualTo("200 a /cart");

        assertThat(domains()).containsExactlyInAnyOrder("evil@127.0.0.1", "evil2@127.0.0.1", "direct@127.0.0.1");
        assertThat(a.lastRequest().header("Cookie")).isNull();
        assertThat(a.hits.get()).isEqualTo(2);
    }

    @Test
    void withFollowRedirectsOffTheCallerFollowsAsAnOrdinaryRequestWithoutLogicalCookies() throws IOException {
        Backend a = backend("a");
        Backend outside = backend("outside");
        String target = "http://127.0.0.1:" + outside.port() + "/x";
        a.handler = r -> r.path().equals("/login") ? ok("a", "SESSION=s3cret; Path=/")
                : redirect(target);
        outside.handler = r -> ok("outside", "theirs=1; Path=/");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        OkHttpClient client = client(orders).followRedirects(false).build();

        call(client, get("http://orders/login"));
        String location;
        try (Response r = client.newCall(get("http://orders/go")).execute()) {
            assertThat(r.code()).isEqualTo(302);
            location = r.header("Location");
        }
        assertThat(call(client, get(location))).isEqualTo("200 outside");

        assertThat(outside.lastRequest().header("Cookie")).isNull();
        assertThat(domains()).containsExactlyInAnyOrder("SESSION@orders", "theirs@127.0.0.1");
    }

    @Test
    void redirectToAnotherMemberIsFollowedWithTheLogicalHostsCookies() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> r.path().equals("/login") ? ok("a", "SESSION=s3cret; Path=/")
                : redirect("http://127.0.0.1:" + b.port() + "/there");
        b.handler = r -> ok("b", "fromB=1; Path=/");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a, b));
        OkHttpClient client = client(orders).build();

        call(client, get("http://orders/login"));
        assertThat(call(client, get("http://orders/go"))).isEqualTo("200 b");

        assertThat(b.lastRequest().header("Cookie")).isEqualTo("SESSION=s3cret");
        assertThat(domains()).containsExactlyInAnyOrder("SESSION@orders", "fromB@orders");
    }

    @Test
    void domainCookieOfAMemberIsNotStoredWhereHostsOutsideThePoolWouldGetIt() {
        Backend a = backend("a");
        Backend outside = backend("outside");
        a.handler = r -> ok("a", "own=1; Path=/", "wide=1; Domain=127.0.0.1; Path=/");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        OkHttpClient client = client(orders).build();

        call(client, get("http://orders/login"));
        call(client, get("http://127.0.0.1:" + outside.port() + "/"));

        assertThat(domains()).containsExactly("own@orders");
        assertThat(outside.lastRequest().header("Cookie")).isNull();
    }

    @Test
    void cookiesAreSentForTheFollowUpsPathAtTheLogicalHost() {
        Backend a = backend("a");
        a.handler = r -> switch (r.path()) {
            case "/login" -> ok("a", "admin=1; Path=/admin", "all=1; Path=/");
            case "/old" -> redirect("/admin/new");
            default -> ok("a " + r.path());
        };
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        OkHttpClient client = client(orders).build();

        call(client, get("http://orders/login"));
        assertThat(call(client, get("http://orders/old"))).isEqualTo("200 a /admin/new");

        List<Seen> requests = a.requests;
        assertThat(requests.get(1).header("Cookie")).isEqualTo("all=1");
        assertThat(requests.get(2).header("Cookie")).isEqualTo("admin=1; all=1");
    }

    @Test
    void jarRefusesToLoadForAnAddressOutsideThePoolAndNeverSavesItsCookiesForTheLogicalHost() {
        Backend a = backend("a");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        LogicalCookieJar logical = new LogicalCookieJar(jar, HttpUrl.get("http://orders/x"), orders, "SRV");
        logical.beginTry(a.server());
        HttpUrl member = HttpUrl.get("http://127.0.0.1:" + a.port() + "/x");
        HttpUrl stranger = HttpUrl.get("http://127.0.0.2:" + a.port() + "/x");

        logical.saveFromResponse(stranger, List.of(Cookie.parse(stranger, "s=1")));
        logical.saveFromResponse(member, List.of(Cookie.parse(member, "m=1"), Cookie.parse(member, "SRV=forged")));

        assertThatThrownBy(() -> logical.loadForRequest(stranger)).isInstanceOf(LogicalCookieJar.OutsidePool.class);
        // a member's own cookie named like the sticky cookie is dropped (HAProxy "indirect")
        assertThat(domains()).containsExactlyInAnyOrder("s@127.0.0.2", "m@orders");
        assertThat(logical.loadForRequest(member)).extracting(Cookie::name).containsExactly("m"); // never lb4j's own
    }

    @Test
    void theTrysServerStaysAMemberForItsCallAfterThePoolRemovedIt() {
        Backend a = backend("a");
        Backend b = backend("b");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a, b));
        LogicalCookieJar logical = new LogicalCookieJar(jar, HttpUrl.get("http://orders/x"), orders, null);
        logical.beginTry(a.server());
        orders.remove("a");

        assertThat(logical.loadForRequest(HttpUrl.get("http://127.0.0.1:" + a.port() + "/x"))).isEmpty();
        assertThat(logical.loadForRequest(HttpUrl.get("http://127.0.0.1:" + b.port() + "/x"))).isEmpty();
    }

    @Test
    void memberIsRecognisedByOkHttpsCanonicalFormOfItsAddress() {
        io.lb4j.api.Server v6 = io.lb4j.api.Server.builder("0:0:0:0:0:0:0:1", 8080).id("v6").build();
        LoadBalancingPool orders = poolOf("orders", TestStrategies.first(), io.lb4j.pool.PoolConfig.ofDefaults(),
                List.of(v6, io.lb4j.api.Server.builder("LOCALHOST", 8081).id("named").build()));
        LogicalCookieJar logical = new LogicalCookieJar(jar, HttpUrl.get("http://orders/x"), orders, null);
        logical.beginTry(v6);

        assertThat(logical.loadForRequest(HttpUrl.get("http://[::1]:8080/x"))).isEmpty();
        assertThat(logical.loadForRequest(HttpUrl.get("http://localhost:8081/x"))).isEmpty();
        assertThatThrownBy(() -> logical.loadForRequest(HttpUrl.get("http://[::1]:8081/x")))
                .isInstanceOf(LogicalCookieJar.OutsidePool.class);
    }

    @Test
    void refusedRedirectReachesAnAsyncCallbackAndLeaksNoConnection() throws Exception {
        Backend a = backend("a");
        Backend outside = backend("outside");
        a.handler = r -> redirect("http://127.0.0.1:" + outside.port() + "/x");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        OkHttpClient client = client(orders).build();
        for (int i = 0; i < 30; i++) {
            assertThatThrownBy(() -> client.newCall(get("http://orders/go")).execute())
                    .isInstanceOf(RedirectRefusedException.class);
        }

        java.util.concurrent.CompletableFuture<IOException> failure = new java.util.concurrent.CompletableFuture<>();
        client.newCall(get("http://orders/go")).enqueue(new okhttp3.Callback() {
            @Override
            public void onFailure(okhttp3.Call call, IOException e) {
                failure.complete(e);
            }

            @Override
            public void onResponse(okhttp3.Call call, Response response) {
                response.close();
                failure.complete(null);
            }
        });

        assertThat(failure.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(RedirectRefusedException.class);
        assertThat(client.connectionPool().connectionCount()).as("the 302 was closed: one reused connection")
                .isEqualTo(1);
        assertThat(outside.hits.get()).isZero();
        assertThat(orders.stats("a").inFlight()).isZero();
        assertThat(orders.stats("a").drops()).isEqualTo(31);
    }
}
