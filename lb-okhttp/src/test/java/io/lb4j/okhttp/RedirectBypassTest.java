package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lb4j.okhttp.Settled.outcome;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attempts to get a request of a balanced call past the redirect check: every spelling of a host outside the
 * pool a hostile member can put in a {@code Location}, loops between members, 307 with a body, and the
 * hedged path (whose tries are calls of the hedge client). "Outside" is a real server on loopback; the check
 * passes only if it never sees a request.
 */
class RedirectBypassTest extends InterceptorTestBase {
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    private static final MediaType TEXT = MediaType.get("text/plain");

    private LoadBalancingPool pool;

    @AfterEach
    void everyLeaseCompleted() throws InterruptedException {
        if (pool != null) {
            Settled.leasesComplete(pool);
        }
    }

    private OkHttpClient client(LoadBalancingInterceptor lb) {
        return Fixtures.client(lb, lb.guardDns(dns)).build();
    }

    private OkHttpClient plain(List<Backend> members) {
        pool = pool("svc", TestStrategies.first(), NO_PASSIVE, members);
        return client(LoadBalancingInterceptor.builder().pool("svc", pool).build());
    }

    private static Reply redirect(int code, String location) {
        return Reply.status(code).header("Location", location).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:%d/steal",
            "http://user:pass@127.0.0.1:%d/steal",
            "//127.0.0.1:%d/steal",
            "http://127.0.0.1.:%d/steal",
            "HTTP://127.0.0.1:%d/steal",
            "http://[::ffff:127.0.0.1]:%d/steal",
            "http://127.0.0.1:0%d/steal",
            "http://127.1:%d/steal",
            "http://2130706433:%d/steal",
            "http://0x7f.0.0.1:%d/steal",
            "http://127.0.0.1.nip.io:%d/steal",
            "http://svc:%d/steal",
            "http://SVC./steal",
            "http:/\\127.0.0.1:%d/steal",
            "\\\\127.0.0.1:%d/steal",
            "http://127.0.0.1%%2e:%d/steal",
            " http://127.0.0.1:%d/steal",
    })
    void noSpellingOfAHostOutsideThePoolIsFollowed(String template) {
        Backend a = backend("a");
        Backend outside = backend("outside");
        String location = template.contains("%d") ? String.format(template, outside.port()) : template;
        a.handler = r -> redirect(302, location);
        OkHttpClient client = plain(List.of(a));

        Object result = outcome(client, Fixtures.get("http://svc/go"));

        assertThat(outside.hits.get()).as("requests that reached the outside server").isZero();
        // Refused, or (a Location OkHttp cannot parse) the 302 itself, or a lookup that failed: never followed
        assertThat(result).satisfiesAnyOf(
                r -> assertThat(r).isInstanceOf(RedirectRefusedException.class),
                r -> assertThat(r).isEqualTo("302 "),
                r -> assertThat(r).isInstanceOf(java.net.UnknownHostException.class));
    }

    @Test
    void redirectToTheMembersOwnAddressWithUserInfoStaysInThePool() {
        Backend a = backend("a");
        a.handler = r -> r.path().equals("/go") ? redirect(302, "http://user:pw@127.0.0.1:" + a.port() + "/here")
                : Backend.ok("a " + r.path());
        OkHttpClient client = plain(List.of(a));

        assertThat(outcome(client, Fixtures.get("http://svc/go"))).isEqualTo("200 a /here");
    }

    @Test
    void redirectToAMemberOfAnotherLogicalHostsPoolIsRefused() {
        Backend a = backend("a");
        Backend other = backend("other");
        a.handler = r -> redirect(302, "http://127.0.0.1:" + other.port() + "/x");
        pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a));
        LoadBalancingPool otherPool = pool("other", TestStrategies.first(), NO_PASSIVE, List.of(other));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().pool("svc", pool).pool("other", otherPool).build());

        assertThat(outcome(client, Fixtures.get("http://svc/go"))).isInstanceOf(RedirectRefusedException.class);
        assertThat(other.hits.get()).as("another logical host's member is outside this pool").isZero();
    }

    @Test
    void refusedRedirectOfAnAsyncCallReachesOnFailureAsAnIOExceptionAndKillsNoThread() throws Exception {
        Backend a = backend("a");
        Backend outside = backend("outside");
        a.handler = r -> redirect(302, "http://127.0.0.1:" + outside.port() + "/x");
        OkHttpClient client = plain(List.of(a));
        java.util.concurrent.CompletableFuture<Object> result = new java.util.concurrent.CompletableFuture<>();

        client.newCall(Fixtures.get("http://svc/go")).enqueue(new okhttp3.Callback() {
            @Override
            public void onFailure(okhttp3.Call call, java.io.IOException e) {
                result.complete(e);
            }

            @Override
            public void onResponse(okhttp3.Call call, okhttp3.Response response) {
                response.close();
                result.complete(response.code());
            }
        });

        assertThat(result.get(10, TimeUnit.SECONDS)).isInstanceOf(RedirectRefusedException.class);
        assertThat(outside.hits.get()).isZero();
    }

    @Test
    void redirectLoopBetweenMembersEndsInAnIOExceptionAndABoundedNumberOfRequests() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> redirect(302, "http://127.0.0.1:" + b.port() + "/loop");
        b.handler = r -> redirect(302, "http://127.0.0.1:" + a.port() + "/loop");
        OkHttpClient client = plain(List.of(a, b));

        Object result = outcome(client, Fixtures.get("http://svc/loop"));

        assertThat(result).isInstanceOf(ProtocolException.class); // OkHttp: "Too many follow-up requests: 21"
        // at most maxTries (3) tries of 21 requests each, over 2 servers (never the same server twice)
        assertThat(totalHits(List.of(a, b))).isBetween(21, 2 * 21);
    }

    @Test
    void redirect307OfAPostToAHostOutsideThePoolIsRefusedBeforeTheBodyIsSent() {
        Backend a = backend("a");
        Backend outside = backend("outside");
        a.handler = r -> redirect(307, "http://127.0.0.1:" + outside.port() + "/collect");
        OkHttpClient client = plain(List.of(a));
        Request post = new Request.Builder().url("http://svc/pay").post(RequestBody.create("card=4111", TEXT)).build();

        assertThat(outcome(client, post)).isInstanceOf(RedirectRefusedException.class);
        assertThat(outside.hits.get()).isZero();
        assertThat(a.requests).hasSize(1);
    }

    @Test
    void redirect307OfAPostToAnotherMemberCarriesTheBodyThereOnce() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> redirect(307, "http://127.0.0.1:" + b.port() + "/pay");
        b.handler = r -> Backend.ok("b got " + r.body());
        OkHttpClient client = plain(List.of(a, b));
        Request post = new Request.Builder().url("http://svc/pay").post(RequestBody.create("card=4111", TEXT)).build();

        assertThat(outcome(client, post)).isEqualTo("200 b got card=4111");
        assertThat(a.requests).hasSize(1);
        assertThat(b.requests).hasSize(1);
    }

    @Test
    void hedgedRouteRefusesARedirectToAHostOutsideThePool() {
        Backend a = backend("a");
        Backend b = backend("b");
        Backend outside = backend("outside");
        a.handler = r -> redirect(302, "http://127.0.0.1:" + outside.port() + "/steal");
        pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient hedgeClient = new OkHttpClient.Builder().dns(dns).readTimeout(5, TimeUnit.SECONDS).build();
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().hedging(HedgingConfig.custom().delay(Duration.ofSeconds(5))
                        .build()).build())
                .hedgeCallFactory(hedgeClient).build();
        Request request = new Request.Builder().url("http://svc/go").header("X-Api-Key", "k-123").build();

        Object result = outcome(client(lb), request);

        assertThat(outside.hits.get()).as("requests that reached the outside server").isZero();
        assertThat(result).isInstanceOf(RedirectRefusedException.class);
        assertThat(pool.stats("a").drops()).as("the server answered; the client refused").isEqualTo(1);
        assertThat(pool.stats("a").failures()).isZero();
        assertThat(b.hits.get()).as("a refused redirect is not tried again").isZero();
    }

    @Test
    void hedgedRouteStillFollowsARelativeRedirect() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.handler = r -> r.path().equals("/go") ? redirect(302, "/here") : Backend.ok("a " + r.path());
        pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        OkHttpClient hedgeClient = new OkHttpClient.Builder().dns(dns).readTimeout(5, TimeUnit.SECONDS).build();
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("svc", pool, RouteOptions.custom().hedging(HedgingConfig.custom().delay(Duration.ofSeconds(5))
                        .build()).build())
                .hedgeCallFactory(hedgeClient).build();

        assertThat(outcome(client(lb), Fixtures.get("http://svc/go"))).isEqualTo("200 a /here");
    }
}
