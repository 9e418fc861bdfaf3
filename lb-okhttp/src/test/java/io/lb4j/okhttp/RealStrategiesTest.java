package io.lb4j.okhttp;

import io.lb4j.algorithms.DestinationHash;
import io.lb4j.algorithms.Strategies;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolConfig;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

/** The interceptor over lb4j's own algorithms. */
class RealStrategiesTest extends InterceptorTestBase {

    @Test
    void weightedRoundRobinSpreadsTrafficInProportionToWeights() {
        List<Backend> backends = backends("a", "b", "c");
        LoadBalancingPool orders = poolOf("orders", Strategies.byName("wrr"), PoolConfig.ofDefaults(),
                List.of(backends.get(0).server(3), backends.get(1).server(1), backends.get(2).server(1)));
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders).build(), dns).build();

        Map<String, Integer> bodies = new TreeMap<>();
        for (int i = 0; i < 50; i++) {
            bodies.merge(call(client, get("http://orders/x")), 1, Integer::sum);
        }

        // 10 full cycles of nginx's smooth WRR (period 5): exact shares whatever the start position
        assertThat(bodies).isEqualTo(Map.of("200 a", 30, "200 b", 10, "200 c", 10));
    }

    @Test
    void destinationHashKeepsAKeyOnOneServerAndSpreadsDifferentKeys() {
        List<Backend> backends = backends("a", "b", "c");
        LoadBalancingPool orders = pool("orders", new DestinationHash(), PoolConfig.ofDefaults(), backends);
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders)
                .hashKeyHeader("X-User").build(), dns).build();

        Set<String> forOneKey = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            forOneKey.add(call(client, new Request.Builder().url("http://orders/cart").header("X-User", "user-42").build()));
        }
        Set<String> forManyKeys = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            forManyKeys.add(call(client, new Request.Builder().url("http://orders/cart").header("X-User", "user-" + i).build()));
        }

        assertThat(forOneKey).hasSize(1);
        assertThat(forManyKeys).hasSize(3); // 30 keys over a 3-server Maglev table reach every server
    }

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wrr", "random", "lc", "wlc", "sed", "nq", "least-request"})
    void stickyCookiePinsTheServerWhateverTheStrategy(String strategy) throws IOException {
        List<Backend> backends = backends("a", "b", "c", "d");
        LoadBalancingPool orders = pool("orders", Strategies.byName(strategy), PoolConfig.ofDefaults(), backends);
        OkHttpClient client = Fixtures.client(LoadBalancingInterceptor.builder().pool("orders", orders)
                .stickyCookie("SRV").build(), dns).cookieJar(Fixtures.clientJar(new Fixtures.MemoryCookieJar())).build();

        Set<String> servers = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            try (Response r = client.newCall(get("http://orders/cart")).execute()) {
                servers.add(r.body().string());
            }
        }

        assertThat(servers).hasSize(1);
    }
}
