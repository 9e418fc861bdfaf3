package io.lb4j.okhttp;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Server;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolConfig;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's OkHttp example, as written there, against two real servers. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleBalancesRealCalls() throws Exception {
        try (MockWebServer a = new MockWebServer(); MockWebServer b = new MockWebServer()) {
            for (MockWebServer s : List.of(a, b)) {
                for (int i = 0; i < 4; i++) {
                    s.enqueue(new MockResponse.Builder().body("ok").build());
                }
                s.start();
            }
            LoadBalancingPool orders = LoadBalancingPool.builder("orders")
                    .strategy(Strategies.byName("peak-ewma"))
                    .config(PoolConfig.custom()
                            .activeHealth(ActiveHealth.custom(HttpHealthCheck.custom().path("/health").build()).build())
                            .build())
                    .servers(List.of(Server.of("127.0.0.1", a.getPort()), Server.of("127.0.0.1", b.getPort())))
                    .scheduleHealthChecks(false) // not in the README: keeps the probes out of this test's queues
                    .build();
            OkHttpClient client = new OkHttpClient.Builder()
                    .addInterceptor(LoadBalancingInterceptor.builder().pool("orders", orders).build())
                    .build();
            for (int i = 0; i < 4; i++) {
                try (Response r = client.newCall(new Request.Builder().url("http://orders/api/items").build()).execute()) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.request().url().port()).isIn(a.getPort(), b.getPort());
                }
            }
            assertThat(a.getRequestCount() + b.getRequestCount()).isEqualTo(4);
            orders.close();
        }
    }
}
