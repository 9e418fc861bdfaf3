package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

class StickySessionTest extends InterceptorTestBase {

    /** The body ("node-x") and the sticky cookie set by one call, if any. */
    private record Result(String body, String setCookie) {
    }

    private static Result exec(OkHttpClient client, Request request) throws IOException {
        try (Response r = client.newCall(request).execute()) {
            assertThat(r.code()).isEqualTo(200);
            return new Result(r.body().string(), r.header("Set-Cookie"));
        }
    }

    private static String token(String setCookie) {
        String pair = setCookie.split(";")[0];
        assertThat(pair).startsWith("SRV=");
        return pair.substring("SRV=".length());
    }

    private LoadBalancingInterceptor sticky(LoadBalancingPool pool) {
        return LoadBalancingInterceptor.builder().pool("orders", pool).stickyCookie("SRV").build();
    }

    @Test
    void sameClientKeepsItsServerWhileItIsHealthy() throws IOException {
        List<Backend> backends = backends("node-a", "node-b", "node-c");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        Fixtures.MemoryCookieJar jar = new Fixtures.MemoryCookieJar();
        OkHttpClient client = Fixtures.client(sticky(orders), dns).cookieJar(Fixtures.clientJar(jar)).build();

        List<Result> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            results.add(exec(client, get("http://orders/cart")));
        }

        assertThat(results).extracting(Result::body).containsOnly(results.get(0).body());
        assertThat(results.get(0).setCookie()).startsWith("SRV=").contains("path=/").contains("httponly");
        assertThat(results.subList(1, 10)).extracting(Result::setCookie).containsOnlyNulls();
        assertThat(jar.cookies).singleElement().satisfies(c -> assertThat(c.domain()).isEqualTo("orders"));
        // HAProxy "indirect": the backend never sees lb4j's cookie
        for (Backend b : backends) {
            for (Seen r : b.requests) {
                assertThat(r.header("Cookie")).isNull();
            }
        }
    }

    @Test
    void clientMovesWhenItsServerFailsAndStaysOnTheNewOne() throws IOException {
        List<Backend> backends = backends("node-a", "node-b", "node-c");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        OkHttpClient client = Fixtures.client(sticky(orders), dns).cookieJar(Fixtures.clientJar(new Fixtures.MemoryCookieJar())).build();
        String home = exec(client, get("http://orders/cart")).body();
        backends.stream().filter(b -> b.name.equals(home)).findFirst().orElseThrow().answer(503);

        Result moved = exec(client, get("http://orders/cart")); // 503 on home, retried elsewhere
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            after.add(exec(client, get("http://orders/cart")).body());
        }

        assertThat(moved.body()).isNotEqualTo(home);
        assertThat(moved.setCookie()).startsWith("SRV=");
        assertThat(after).containsOnly(moved.body());
    }

    @Test
    void tokenOfAServerRemovedFromThePoolFallsBackToANormalPickAndIsReplaced() throws IOException {
        List<Backend> backends = backends("node-a", "node-b");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        OkHttpClient client = Fixtures.client(sticky(orders), dns).build();
        Result first = exec(client, get("http://orders/cart"));
        String stale = token(first.setCookie());
        orders.remove(first.body());

        Result next = exec(client, new Request.Builder().url("http://orders/cart").header("Cookie", "SRV=" + stale).build());

        assertThat(next.body()).isNotEqualTo(first.body());
        assertThat(token(next.setCookie())).isNotEqualTo(stale);
    }

    @Test
    void cookieFromTheRequestHeaderWorksWithoutACookieJarAndIsStrippedBeforeSending() throws IOException {
        List<Backend> backends = backends("node-a", "node-b", "node-c");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        OkHttpClient client = Fixtures.client(sticky(orders), dns).build(); // no cookie jar
        Result first = exec(client, get("http://orders/cart"));
        String cookie = "theme=dark; SRV=" + token(first.setCookie()) + "; lang=en";

        List<Result> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(exec(client, new Request.Builder().url("http://orders/cart").header("Cookie", cookie).build()));
        }

        assertThat(results).extracting(Result::body).containsOnly(first.body());
        assertThat(results).extracting(Result::setCookie).containsOnlyNulls();
        Backend home = backends.stream().filter(b -> b.name.equals(first.body())).findFirst().orElseThrow();
        assertThat(home.lastRequest().header("Cookie")).isEqualTo("theme=dark; lang=en");
    }

    @Test
    void forgedCookieNamingAnAddressOrAnIdIsIgnoredAndNeverLeavesThePool() throws IOException {
        List<Backend> backends = backends("node-a", "node-b");
        Backend outsider = backend("outsider");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        OkHttpClient client = Fixtures.client(sticky(orders), dns).build();
        String[] forged = {
                "127.0.0.1:" + outsider.port(),
                "outsider",
                "node-a",
                Base64.getUrlEncoder().withoutPadding().encodeToString("node-a".getBytes(StandardCharsets.UTF_8)),
                "AAAAAAAAAAAAAAAAAAAAAA",
                "",
        };

        for (String f : forged) {
            Result r = exec(client, new Request.Builder().url("http://orders/cart").header("Cookie", "SRV=" + f).build());
            assertThat(r.body()).isIn("node-a", "node-b");
            assertThat(r.setCookie()).as("forged token %s is replaced", f).startsWith("SRV=");
        }
        assertThat(outsider.hits.get()).isZero();
    }

    @Test
    void tokenRevealsNeitherTheServerIdNorItsAddress() throws IOException {
        List<Backend> backends = backends("node-a");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        OkHttpClient client = Fixtures.client(sticky(orders), dns).build();

        String token = token(exec(client, get("http://orders/cart")).setCookie());

        String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.ISO_8859_1);
        assertThat(token).hasSize(22).doesNotContain("node").doesNotContain("127").doesNotContain(
                String.valueOf(backends.get(0).port()));
        assertThat(decoded).doesNotContain("node").doesNotContain("127.0.0.1");
    }

    @Test
    void tokensFromAnotherSecretAreNotHonouredButTheSameSecretIs() throws IOException {
        List<Backend> backends = backends("node-a", "node-b", "node-c");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        OkHttpClient one = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).stickyCookie("SRV")
                .stickySecret(secret).build(), dns).build();
        OkHttpClient twin = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).stickyCookie("SRV")
                .stickySecret(secret).build(), dns).build();
        OkHttpClient stranger = Fixtures.client(sticky(orders), dns).build();
        Result first = exec(one, get("http://orders/cart"));
        Request withCookie = new Request.Builder().url("http://orders/cart")
                .header("Cookie", "SRV=" + token(first.setCookie())).build();

        Result viaTwin = exec(twin, withCookie);
        Result viaStranger = exec(stranger, withCookie);

        assertThat(viaTwin.body()).isEqualTo(first.body());
        assertThat(viaTwin.setCookie()).isNull();
        assertThat(viaStranger.setCookie()).isNotNull(); // not recognised: a normal pick and a new cookie
    }

    @Test
    void sessionCookiesOfTheServersAreSharedAcrossThePoolUnderTheLogicalHost() throws IOException {
        List<Backend> backends = backends("node-a", "node-b");
        backends.get(0).handler = r -> Reply.status(200)
                .header("Set-Cookie", "session=abc; Path=/").body("node-a").build();
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), backends);
        Fixtures.MemoryCookieJar jar = new Fixtures.MemoryCookieJar();
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns)
                .cookieJar(Fixtures.clientJar(jar)).build();

        exec(client, get("http://orders/login"));  // node-a sets the session
        exec(client, get("http://orders/cart"));   // rotation: node-b

        assertThat(jar.cookies).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("session");
            assertThat(c.domain()).isEqualTo("orders");
        });
        assertThat(backends.get(1).lastRequest().header("Cookie")).isEqualTo("session=abc");
    }

    @Test
    void responseIsClosedWhenTheCookieJarThrowsWhileSavingTheStickyCookie() {
        Backend a = backend("node-a");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(a));
        okhttp3.CookieJar broken = new okhttp3.CookieJar() {
            @Override
            public void saveFromResponse(okhttp3.HttpUrl url, List<okhttp3.Cookie> cookies) {
                throw new IllegalStateException("jar is read-only");
            }

            @Override
            public List<okhttp3.Cookie> loadForRequest(okhttp3.HttpUrl url) {
                return List.of();
            }
        };
        java.util.concurrent.atomic.AtomicBoolean bodyClosed = new java.util.concurrent.atomic.AtomicBoolean();
        okhttp3.Interceptor trackBodyClose = chain -> {
            Response r = chain.proceed(chain.request());
            okio.Source tracked = new okio.ForwardingSource(r.body().source()) {
                @Override
                public void close() throws IOException {
                    bodyClosed.set(true);
                    super.close();
                }
            };
            return r.newBuilder().body(okhttp3.ResponseBody.create(okio.Okio.buffer(tracked), r.body().contentType(),
                    r.body().contentLength())).build();
        };
        OkHttpClient client = Fixtures.client(sticky(orders), dns).cookieJar(Fixtures.clientJar(broken))
                .addNetworkInterceptor(trackBodyClose).build();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.newCall(get("http://orders/cart")).execute())
                .isInstanceOf(IllegalStateException.class).hasMessage("jar is read-only");

        assertThat(bodyClosed).isTrue(); // the caller never got the response: the interceptor closed it
        assertThat(orders.stats("node-a").inFlight()).isZero();
    }
}
