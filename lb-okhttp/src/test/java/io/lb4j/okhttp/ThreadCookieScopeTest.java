package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.CookieJar;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cookie scope OkHttp 4.12 needs ({@link CookieScope#THREAD}: the client's installed
 * {@link LoadBalancingInterceptor#cookieJar} acts as the call's jar while a try runs {@code proceed}),
 * forced here so that it is tested on both OkHttp versions: no client without the jar sends anything, the
 * scope never reaches another thread, another call, another client's jar, or outlives a call that threw.
 */
class ThreadCookieScopeTest extends InterceptorTestBase {
    private final Fixtures.MemoryCookieJar jar = new Fixtures.MemoryCookieJar();
    private final CookieJar installed = LoadBalancingInterceptor.cookieJar(jar);

    private LoadBalancingInterceptorBuilder lb() {
        return LoadBalancingInterceptor.builder().cookieScope(CookieScope.THREAD);
    }

    /** Sets cookie {@code name=1} and answers with the Cookie header it got (or "none"). */
    private static void setsAndEchoes(Backend b, String name) {
        b.handler = r -> Reply.status(200).header("Set-Cookie", name + "=1; Path=/")
                .body(r.header("Cookie") == null ? "none" : r.header("Cookie"));
    }

    private List<String> cookies(Fixtures.MemoryCookieJar j) {
        return j.cookies.stream().map(c -> c.name() + "@" + c.domain()).sorted().toList();
    }

    @Test
    void aClientWithoutTheInstalledJarSendsNothingAndIsToldHowToInstallIt() {
        Backend a = backend("a");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        OkHttpClient client = Fixtures.client(lb().pool("orders", orders).build(), dns).cookieJar(jar).build();

        assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(".cookieJar(LoadBalancingInterceptor.cookieJar(CookieJar.NO_COOKIES))")
                .hasMessageContaining(Fixtures.MemoryCookieJar.class.getName())
                .hasMessageContaining("not sent");
        assertThat(a.hits.get()).isZero();
        assertThat(orders.stats("a").successes() + orders.stats("a").failures() + orders.stats("a").drops()).isZero();
    }

    @Test
    void withTheInstalledJarCookiesLiveUnderTheLogicalHostAndReachEveryMember() {
        Backend a = backend("a");
        Backend b = backend("b");
        setsAndEchoes(a, "SESSION");
        setsAndEchoes(b, "OTHER");
        LoadBalancingPool orders = pool("orders", TestStrategies.rotation(), List.of(a, b));
        OkHttpClient client = Fixtures.client(lb().pool("orders", orders).build(), dns).cookieJar(installed).build();

        assertThat(call(client, get("http://orders/login"))).isEqualTo("200 none");
        assertThat(call(client, get("http://orders/cart"))).isEqualTo("200 SESSION=1");

        assertThat(cookies(jar)).containsExactly("OTHER@orders", "SESSION@orders");
    }

    @Test
    void okHttp5ScopesThroughTheChainWithTheInstalledJarHarmlessAndOkHttp4ThroughTheThread() {
        if (Boolean.getBoolean("lb4j.onOkHttp4")) {
            // OkHttp 4.12 has no Chain.withCookieJar: the interceptor must choose the thread scope there
            assertThat(OkHttpSupport.hasChainCookieJar()).isFalse();
            assertThat(CookieScope.forThisOkHttp()).isEqualTo(CookieScope.THREAD);
            return;
        }
        assertThat(CookieScope.forThisOkHttp()).isEqualTo(CookieScope.CHAIN);
        Backend a = backend("a");
        setsAndEchoes(a, "SESSION");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(a));
        LoadBalancingInterceptor chainScoped = LoadBalancingInterceptor.builder().cookieScope(CookieScope.CHAIN)
                .pool("orders", orders).build();
        OkHttpClient client = Fixtures.client(chainScoped, dns).cookieJar(installed).build();

        assertThat(call(client, get("http://orders/login"))).isEqualTo("200 none");
        assertThat(call(client, get("http://orders/again"))).isEqualTo("200 SESSION=1");
        assertThat(cookies(jar)).containsExactly("SESSION@orders");
    }

    @Test
    void concurrentCallsToTwoLogicalHostsNeverSeeEachOthersCookies() throws Exception {
        Backend o = backend("o");
        Backend u = backend("u");
        setsAndEchoes(o, "ORDERS");
        setsAndEchoes(u, "USERS");
        LoadBalancingInterceptor interceptor = lb().pool("orders", pool("orders", TestStrategies.first(), List.of(o)))
                .pool("users", pool("users", TestStrategies.first(), List.of(u))).build();
        OkHttpClient client = Fixtures.client(interceptor, dns).cookieJar(installed).build();
        client.dispatcher().setMaxRequestsPerHost(64);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<String>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                String host = i % 2 == 0 ? "orders" : "users";
                if (i % 4 < 2) {
                    answers.add(threads.submit(() -> host + " " + call(client, get("http://" + host + "/x"))));
                } else { // enqueue: the interceptor and OkHttp's bridge run on a dispatcher thread
                    CompletableFuture<String> f = new CompletableFuture<>();
                    client.newCall(get("http://" + host + "/x")).enqueue(new Callback() {
                        @Override
                        public void onResponse(Call c, Response r) throws IOException {
                            try (r) {
                                f.complete(host + " " + r.code() + " " + r.body().string());
                            }
                        }

                        @Override
                        public void onFailure(Call c, IOException e) {
                            f.completeExceptionally(e);
                        }
                    });
                    answers.add(f);
                }
            }
            for (Future<String> f : answers) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isIn("orders 200 none", "orders 200 ORDERS=1",
                        "users 200 none", "users 200 USERS=1");
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(o.requests).allSatisfy(r -> assertThat(r.header("Cookie")).isIn(null, "ORDERS=1"));
        assertThat(u.requests).allSatisfy(r -> assertThat(r.header("Cookie")).isIn(null, "USERS=1"));
        assertThat(cookies(jar)).containsExactly("ORDERS@orders", "USERS@users");
    }

    @Test
    void aCallNestedInABalancedTryOnTheSameThreadUsesItsOwnClientsJar() {
        Backend a = backend("a");
        Backend outside = backend("outside");
        setsAndEchoes(a, "SESSION");
        setsAndEchoes(outside, "OUT");
        String outsideUrl = "http://127.0.0.1:" + outside.port() + "/y";
        LoadBalancingInterceptor interceptor = lb().pool("orders", pool("orders", TestStrategies.first(), List.of(a)))
                .build();
        // The same jar and interceptor (a newBuilder() of the client): its call passes through, unscoped.
        OkHttpClient sibling = Fixtures.client(interceptor, dns).cookieJar(installed).build();
        // Another client with its own installed jar and no interceptor: never the balanced call's jar.
        Fixtures.MemoryCookieJar otherJar = new Fixtures.MemoryCookieJar();
        OkHttpClient other = new OkHttpClient.Builder().dns(dns).cookieJar(LoadBalancingInterceptor.cookieJar(otherJar))
                .build();
        List<String> nested = new ArrayList<>();
        Interceptor nestedCalls = chain -> { // below the balancer: runs inside its proceed, on its thread
            nested.add(call(sibling, get(outsideUrl)));
            nested.add(call(other, get(outsideUrl)));
            return chain.proceed(chain.request());
        };
        OkHttpClient client = Fixtures.client(interceptor, dns).cookieJar(installed).addInterceptor(nestedCalls).build();

        assertThat(call(client, get("http://orders/login"))).isEqualTo("200 none");
        assertThat(call(client, get("http://orders/again"))).isEqualTo("200 SESSION=1");

        assertThat(nested).containsExactly("200 none", "200 none", "200 OUT=1", "200 OUT=1");
        assertThat(outside.requests).allSatisfy(r -> assertThat(r.header("Cookie")).isIn(null, "OUT=1"));
        assertThat(cookies(jar)).containsExactly("OUT@127.0.0.1", "SESSION@orders");
        assertThat(cookies(otherJar)).containsExactly("OUT@127.0.0.1");
    }

    @Test
    void aCallWithoutTheInterceptorSharingTheJarDuringABalancedTryIsRefusedOutsideThePool() {
        Backend a = backend("a");
        Backend outside = backend("outside");
        setsAndEchoes(a, "SESSION");
        String outsideUrl = "http://127.0.0.1:" + outside.port() + "/y";
        LoadBalancingInterceptor interceptor = lb().pool("orders", pool("orders", TestStrategies.first(), List.of(a)))
                .build();
        OkHttpClient bare = new OkHttpClient.Builder().dns(dns).cookieJar(installed).build(); // the same jar
        List<Throwable> refused = new ArrayList<>();
        Interceptor nestedCall = chain -> {
            try {
                call(bare, get(outsideUrl));
            } catch (RuntimeException e) {
                refused.add(e);
            }
            return chain.proceed(chain.request());
        };
        OkHttpClient client = Fixtures.client(interceptor, dns).cookieJar(installed).addInterceptor(nestedCall).build();

        assertThat(call(client, get("http://orders/login"))).isEqualTo("200 none");

        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).isInstanceOf(LogicalCookieJar.OutsidePool.class)
                .hasMessageContaining("logical host 'orders'").hasMessageContaining("cookieJar");
        assertThat(outside.hits.get()).isZero();
        assertThat(cookies(jar)).containsExactly("SESSION@orders");
    }

    @Test
    void aCallThatThrowsLeavesNoScopeOnItsThread() {
        Backend a = backend("a");
        Backend gone = backend("gone");
        Backend outside = backend("outside");
        setsAndEchoes(outside, "OUT");
        String outsideUrl = "http://127.0.0.1:" + outside.port() + "/y";
        gone.close(); // connection refused
        Interceptor boom = chain -> {
            throw new IllegalStateException("boom below the balancer");
        };
        OkHttpClient throwing = Fixtures.client(lb().pool("orders", pool("orders", TestStrategies.first(), List.of(a)))
                .build(), dns).cookieJar(installed).addInterceptor(boom).build();
        OkHttpClient refusing = Fixtures.client(lb().maxRequeues(0)
                .pool("orders", pool("orders", TestStrategies.first(), List.of(gone))).build(), dns)
                .cookieJar(installed).build();
        OkHttpClient bare = new OkHttpClient.Builder().dns(dns).cookieJar(installed).build(); // the same jar

        assertThatThrownBy(() -> throwing.newCall(get("http://orders/x")).execute()).isInstanceOf(java.io.IOException.class)
                .hasRootCauseMessage("boom below the balancer"); // the caller gets IOExceptions only
        assertThat(call(bare, get(outsideUrl))).isEqualTo("200 none"); // not refused: no scope left behind
        assertThatThrownBy(() -> refusing.newCall(get("http://orders/x")).execute()).isInstanceOf(ConnectException.class);
        assertThat(call(bare, get(outsideUrl))).isEqualTo("200 OUT=1");

        assertThat(cookies(jar)).containsExactly("OUT@127.0.0.1");
    }
}
