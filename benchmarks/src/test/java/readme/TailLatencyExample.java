package readme;

import io.lb4j.algorithms.ReportedLoadRoundRobin;
import io.lb4j.api.Server;
import io.lb4j.okhttp.HedgingConfig;
import io.lb4j.okhttp.LoadBalancingInterceptor;
import io.lb4j.okhttp.RouteOptions;
import io.lb4j.pool.LoadBalancingPool;
import okhttp3.OkHttpClient;

import java.util.List;

public class TailLatencyExample {
    /** A client whose calls to http://search/... are weighted by reported load and hedged. */
    static OkHttpClient client(List<Server> servers) {
        LoadBalancingPool search = LoadBalancingPool.builder("search")
                .strategy(new ReportedLoadRoundRobin())           // gRFC A58 weights from the servers' reports
                .servers(servers).build();
        OkHttpClient transport = new OkHttpClient();              // sends the tries of hedged requests
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder()
                .pool("search", search, RouteOptions.custom()
                        .readLoadReports(true)                    // endpoint-load-metrics: TEXT cpu_utilization=0.3
                        .hedging(HedgingConfig.ofDefaults())      // after the p95 of recent latency, within 5% extra
                        .build())
                .hedgeCallFactory(transport)
                .build();
        return new OkHttpClient.Builder().addInterceptor(lb).build(); // close the pool and lb when done
    }
}
