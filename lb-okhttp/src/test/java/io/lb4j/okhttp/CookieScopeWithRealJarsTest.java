package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.UnknownHostException;
import java.util.List;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both directions of the redirect case (issue 10, case 1) with two real cookie jars: OkHttp's
 * {@code JavaNetCookieJar} over the JDK's {@link CookieManager}, and the tests' in-memory jar. Asserted
 * through what the jar would send where, so the same assertions hold for either.
 */
class CookieScopeWithRealJarsTest extends InterceptorTestBase {

    private static CookieJar jar(String kind) {
        return kind.equals("java.net") ? Fixtures.javaNetCookieJar(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                : new Fixtures.MemoryCookieJar();
    }

    private static List<String> names(CookieJar jar, String url) {
        return jar.loadForRequest(HttpUrl.get(url)).stream().map(Cookie::name).toList();
    }

    private static Reply response(int code, String location, String... setCookies) {
        Reply b = Reply.status(code).body("from " + code);
        if (location != null) {
            b.header("Location", location);
        }
        for (String c : setCookies) {
            b.header("Set-Cookie", c);
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} jar")
    @ValueSource(strings = {"java.net", "memory"})
    void memberToOutside(String kind) {
        CookieJar jar = jar(kind);
        Backend member = backend("member");
        Backend outside = backend("outside");
        String outsideUrl = "http://127.0.0.1:" + outside.port();
        member.handler = r -> r.path().equals("/set-cookie")
                ? response(200, null, "SESSION=s3cret; Path=/")
                : response(302, outsideUrl + "/x");
        outside.handler = r -> response(200, null, "planted=1; Path=/");
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(member));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).build();
        OkHttpClient client = Fixtures.client(lb, lb.guardDns(dns)).cookieJar(Fixtures.clientJar(jar)).build();

        call(client, get("http://orders/set-cookie"));
        assertThatThrownBy(() -> client.newCall(get("http://orders/redirect")).execute())
                .isInstanceOf(RedirectRefusedException.class)
                .hasMessageContaining("logical host 'orders'").hasMessageContaining(outsideUrl + "/x");

        assertThat(outside.hits.get()).isZero(); // so no Cookie: SESSION reached it
        assertThat(names(jar, "http://orders/")).containsExactly("SESSION");
        assertThat(names(jar, outsideUrl + "/")).isEmpty();
    }

    @ParameterizedTest(name = "{0} jar")
    @ValueSource(strings = {"java.net", "memory"})
    void outsideToMember(String kind) {
        CookieJar jar = jar(kind);
        Backend member = backend("member");
        Backend outside = backend("outside");
        String outsideUrl = "http://127.0.0.1:" + outside.port();
        outside.handler = r -> r.path().equals("/to-logical")
                ? response(302, "http://orders/x", "evil=1; Path=/", "planted=1; Domain=orders; Path=/")
                : response(302, "http://127.0.0.1:" + member.port() + "/direct", "evil2=1; Path=/");
        member.handler = r -> response(200, null);
        LoadBalancingPool orders = pool("orders", TestStrategies.first(), List.of(member));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).build();
        OkHttpClient client = Fixtures.client(lb, lb.guardDns(dns)).cookieJar(Fixtures.clientJar(jar)).build();

        assertThatThrownBy(() -> client.newCall(get(outsideUrl + "/to-logical")).execute())
                .isInstanceOf(UnknownHostException.class);
        call(client, get(outsideUrl + "/to-member"));     // an ordinary request to the member's address
        call(client, get("http://orders/cart"));          // through the logical host

        assertThat(names(jar, "http://orders/")).isEmpty();
        assertThat(member.lastRequest().header("Cookie")).as("logical request to the member").isNull();
        assertThat(names(jar, outsideUrl + "/")).contains("evil", "evil2").doesNotContain("planted");
    }
}
