package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link Balancer}: discarding a response the caller will not get, and a routed call's tries on real servers. */
class BalancerTest extends InterceptorTestBase {
    private static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();

    private static Response response(ResponseBody body) {
        return new Response.Builder().request(new Request.Builder().url("http://svc/x").build())
                .protocol(Protocol.HTTP_1_1).code(503).message("Service Unavailable").body(body).build();
    }

    private static ResponseBody body(AtomicBoolean closed, RuntimeException onClose) {
        Buffer content = new Buffer().writeUtf8("busy");
        BufferedSource source = Okio.buffer(new ForwardingSource(content) {
            @Override
            public void close() throws java.io.IOException {
                closed.set(true);
                if (onClose != null) {
                    throw onClose;
                }
                super.close();
            }
        });
        return ResponseBody.create(source, MediaType.get("text/plain"), 4);
    }

    @Test
    void discardClosesTheBodyAndReturnsNull() {
        AtomicBoolean closed = new AtomicBoolean();

        assertThat(Balancer.discard(response(body(closed, null)))).isNull();
        assertThat(closed).isTrue();
    }

    @Test
    void discardReturnsWhatClosingTheBodyThrew() {
        IllegalStateException failure = new IllegalStateException("cannot discard");

        RuntimeException result = Balancer.discard(response(body(new AtomicBoolean(), failure)));

        assertThat(result).isSameAs(failure);
    }

    @Test
    void aFailureStatusIsTheServersFailureAndTheNextServerAnswers() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(503);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("svc", pool).build();

        String result = call(Fixtures.client(lb, dns).build(), get("http://svc/x"));

        assertThat(result).isEqualTo("200 b");
        assertThat(a.hits.get()).isEqualTo(1);
        assertThat(pool.stats("a").failures()).isEqualTo(1);
        assertThat(pool.stats("b").successes()).isEqualTo(1);
        assertThat(pool.stats("a").inFlight()).isZero();
        assertThat(pool.stats("b").inFlight()).isZero();
    }

    @Test
    void aNonFailureStatusIsReturnedWithoutAnotherTry() {
        Backend a = backend("a");
        Backend b = backend("b");
        a.answer(404);
        LoadBalancingPool pool = pool("svc", TestStrategies.first(), NO_PASSIVE, List.of(a, b));
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("svc", pool).build();

        String result = call(Fixtures.client(lb, dns).build(), get("http://svc/x"));

        assertThat(result).isEqualTo("404 status 404");
        assertThat(b.hits.get()).isZero();
        assertThat(pool.stats("a").successes()).isEqualTo(1);
        assertThat(pool.stats("a").failures()).isZero();
    }
}
