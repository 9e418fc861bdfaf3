package io.lb4j.okhttp;

import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.Cookie;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.lb4j.okhttp.Settled.outcome;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile members setting cookies for other hosts: two logical hosts ({@code alpha}, {@code beta}) whose
 * members, like a server outside both pools, all listen on 127.0.0.1 (cookies ignore ports), and a real
 * cookie jar shared by one client. A cookie a member of one logical host sets must never reach the other
 * logical host or a host outside the pool, whatever its Domain, Path or number.
 */
class CookieIsolationFuzzTest extends InterceptorTestBase {
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    private static final String[] DOMAINS = {"alpha", "beta", ".alpha", "ALPHA", "alpha.", "127.0.0.1", ".127.0.0.1",
            "0.0.1", "com", "localhost", "nip.io", "127.0.0.1.nip.io", "", "alpha.beta", "a", "*"};
    private static final String[] PATHS = {"/", "/x", "/../beta", "%2F", "", "//", "/x/../", "\\", "/;"};

    private final Fixtures.MemoryCookieJar jar = new Fixtures.MemoryCookieJar();
    private final List<LoadBalancingPool> pools = new ArrayList<>();

    @AfterEach
    void everyLeaseCompleted() throws InterruptedException {
        for (LoadBalancingPool p : pools) {
            Settled.leasesComplete(p);
        }
    }

    private LoadBalancingPool pool(String name, Backend... members) {
        List<Server> servers = new ArrayList<>();
        for (Backend m : members) {
            servers.add(m.server());
        }
        LoadBalancingPool p = poolOf(name, TestStrategies.rotation(), NO_PASSIVE, servers);
        pools.add(p);
        return p;
    }

    private OkHttpClient client(LoadBalancingInterceptorBuilder b) {
        return Fixtures.client(b.build(), dns).cookieJar(Fixtures.clientJar(jar)).build();
    }

    /** One seeded Set-Cookie value named {@code name}: hostile Domain, Path and attributes. */
    private static String setCookie(Random r, String name) {
        StringBuilder sb = new StringBuilder(name).append('=').append(Long.toHexString(r.nextLong()));
        if (r.nextInt(3) > 0) {
            sb.append("; Domain=").append(DOMAINS[r.nextInt(DOMAINS.length)]);
        }
        if (r.nextBoolean()) {
            sb.append("; Path=").append(PATHS[r.nextInt(PATHS.length)]);
        }
        if (r.nextInt(4) == 0) {
            sb.append("; Max-Age=").append(r.nextInt(3) == 0 ? "-1" : "999999999999");
        }
        if (r.nextInt(4) == 0) {
            sb.append(r.nextBoolean() ? "; Secure" : "; HttpOnly; SameSite=None");
        }
        return sb.toString();
    }

    private static List<String> cookieNames(Backend b) {
        List<String> names = new ArrayList<>();
        for (Seen s : b.requests) {
            for (String header : s.headers().values("Cookie")) {
                for (String pair : header.split(";")) {
                    names.add(pair.trim().split("=", 2)[0]);
                }
            }
        }
        return names;
    }

    @Test
    void seededHostileSetCookiesNeverCrossLogicalHostsOrLeaveThePools() {
        Random random = new Random(20261129L);
        Backend a = backend("a");
        Backend b = backend("b");
        Backend outside = backend("outside");
        a.handler = r -> {
            Reply reply = Reply.status(200).body("a");
            for (int i = 0; i < 4; i++) {
                reply.header("Set-Cookie", setCookie(random, "A" + random.nextInt(1000)));
            }
            return reply;
        };
        b.handler = r -> {
            Reply reply = Reply.status(200).body("b");
            for (int i = 0; i < 4; i++) {
                reply.header("Set-Cookie", setCookie(random, "B" + random.nextInt(1000)));
            }
            return reply;
        };
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("alpha", pool("alpha", a))
                .pool("beta", pool("beta", b)));
        String outsideUrl = "http://127.0.0.1:" + outside.port() + "/x";

        for (int round = 0; round < 60; round++) {
            assertThat(outcome(client, Fixtures.get("http://alpha/x"))).isEqualTo("200 a");
            assertThat(outcome(client, Fixtures.get("http://beta/x"))).isEqualTo("200 b");
            assertThat(outcome(client, Fixtures.get(outsideUrl))).isEqualTo("200 outside");
        }

        assertThat(cookieNames(a)).as("cookies alpha's member got").isNotEmpty().allMatch(n -> n.startsWith("A"));
        assertThat(cookieNames(b)).as("cookies beta's member got").isNotEmpty().allMatch(n -> n.startsWith("B"));
        assertThat(cookieNames(outside)).as("cookies the outside server got").isEmpty();
        assertThat(jar.cookies).as("stored: host-only for a logical host, never under an address or a domain")
                .allSatisfy(c -> {
                    assertThat(c.hostOnly()).isTrue();
                    assertThat(c.domain()).isEqualTo(c.name().startsWith("A") ? "alpha" : "beta");
                });
    }

    @Test
    void aServerInTwoPoolsDoesNotCarryOneLogicalHostsCookiesToTheOther() {
        Backend shared = backend("shared");
        shared.handler = r -> r.path().equals("/login")
                ? Reply.status(200).body("in").header("Set-Cookie", "SESSION=alpha-secret; Path=/").build()
                : Backend.ok("shared");
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("alpha", pool("alpha", shared))
                .pool("beta", pool("beta", shared)));

        assertThat(outcome(client, Fixtures.get("http://alpha/login"))).isEqualTo("200 in");
        assertThat(outcome(client, Fixtures.get("http://beta/x"))).isEqualTo("200 shared");
        assertThat(outcome(client, Fixtures.get("http://alpha/x"))).isEqualTo("200 shared");

        assertThat(shared.requests).extracting(s -> s.header("Cookie"))
                .containsExactly(null, null, "SESSION=alpha-secret");
    }

    @Test
    void hedgedTriesStoreAMembersCookiesForTheLogicalHostOnly() {
        Backend a = backend("a");
        Backend a2 = backend("a2");
        Backend b = backend("b");
        Backend outside = backend("outside");
        a.handler = r -> Reply.status(200).body("a").header("Set-Cookie", "SESSION=alpha-secret; Path=/").build();
        a2.handler = a.handler;
        // the README's advice: the hedge client is the same client's newBuilder() without the interceptor,
        // so it shares the client's cookie jar
        OkHttpClient hedgeClient = new OkHttpClient.Builder().dns(dns).cookieJar(jar).build();
        RouteOptions hedged = RouteOptions.custom().hedging(HedgingConfig.custom().delay(java.time.Duration.ofSeconds(5))
                .build()).build();
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("alpha", pool("alpha", a, a2), hedged)
                .pool("beta", pool("beta", b), hedged).hedgeCallFactory(hedgeClient));

        assertThat(outcome(client, Fixtures.get("http://alpha/login"))).isEqualTo("200 a");
        assertThat(outcome(client, Fixtures.get("http://beta/x"))).isEqualTo("200 b");
        assertThat(outcome(client, Fixtures.get("http://127.0.0.1:" + outside.port() + "/x"))).isEqualTo("200 outside");
        outcome(client, Fixtures.get("http://alpha/again"));

        assertThat(b.lastRequest().header("Cookie")).as("beta's member").isNull();
        assertThat(outside.lastRequest().header("Cookie")).as("a server outside the pools").isNull();
        assertThat(jar.cookies).extracting(Cookie::domain).containsExactly("alpha");
        assertThat(Stream.concat(a.requests.stream(), a2.requests.stream()).map(s -> s.header("Cookie")))
                .as("alpha's members share its session").contains("SESSION=alpha-secret");
    }

    @Test
    void aThousandCookiesOfAMemberStayWithTheirLogicalHost() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> {
            Reply reply = Reply.status(200).body("a");
            if (r.path().equals("/flood")) {
                for (int i = 0; i < 1_000; i++) {
                    reply.header("Set-Cookie", "C" + i + "=" + i + "; Path=/");
                }
            }
            return reply;
        };
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("alpha", pool("alpha", a))
                .pool("beta", pool("beta", b)));

        assertThat(outcome(client, Fixtures.get("http://alpha/flood"))).isEqualTo("200 a");
        assertThat(outcome(client, Fixtures.get("http://beta/x"))).isEqualTo("200 b");
        assertThat(outcome(client, Fixtures.get("http://alpha/x"))).isEqualTo("200 a");

        assertThat(jar.cookies).hasSize(1_000).allSatisfy(c -> assertThat(c.domain()).isEqualTo("alpha"));
        assertThat(b.lastRequest().header("Cookie")).isNull();
        assertThat(a.lastRequest().header("Cookie")).contains("C0=0").contains("C999=999");
    }

    @Test
    void aMemberCannotOverwriteTheStickyCookie() {
        Backend a = backend("a");
        Backend b = backend("b");
        for (Backend m : List.of(a, b)) {
            // a hostile (or careless) member sets lb4j's sticky cookie itself; HAProxy's "insert indirect"
            // removes such a cookie so that it cannot end the session's stickiness
            m.handler = r -> Reply.status(200).body(m.name).header("Set-Cookie", "SRV=forged; Path=/").build();
        }
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("alpha", pool("alpha", a, b))
                .stickyCookie("SRV"));

        Object first = outcome(client, Fixtures.get("http://alpha/x"));
        List<Object> later = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            later.add(outcome(client, Fixtures.get("http://alpha/x")));
        }

        assertThat(later).containsOnly(first);
        assertThat(jar.cookies).extracting(Cookie::name, Cookie::value)
                .noneMatch(t -> "forged".equals(t.toList().get(1)));
    }
}
