package readme;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Server;
import io.lb4j.okhttp.HttpHealthCheck;
import io.lb4j.okhttp.LoadBalancingInterceptor;
import io.lb4j.pool.ActiveHealth;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolConfig;
import okhttp3.CookieJar;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.util.List;

public class OkHttpExample {
    public static void main(String[] args) throws IOException {
        run(List.of(Server.of("10.0.0.1", 8080), Server.of("10.0.0.2", 8080)));
    }

    public static void run(List<Server> servers) throws IOException {
        try (LoadBalancingPool orders = LoadBalancingPool.builder("orders")
                     .strategy(Strategies.byName("peak-ewma"))
                     .config(PoolConfig.custom()
                             .activeHealth(ActiveHealth.custom(HttpHealthCheck.custom().path("/health").build()).build())
                             .build())
                     .servers(servers)
                     .build();
             LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders).build()) {
            OkHttpClient client = new OkHttpClient.Builder()
                    .cookieJar(LoadBalancingInterceptor.cookieJar(CookieJar.NO_COOKIES)) // OkHttp 4.12 needs it; 5 ignores it
                    .addInterceptor(lb)
                    .build();
            Request request = new Request.Builder().url("http://orders/api/items").build();
            try (Response response = client.newCall(request).execute()) {
                System.out.println(response.code() + " from " + response.request().url().host()
                        + ":" + response.request().url().port() + ": " + response.body().string());
            }
        }
    }
}
