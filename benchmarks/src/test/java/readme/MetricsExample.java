package readme;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Server;
import io.lb4j.metrics.MicrometerPoolMetrics;
import io.lb4j.pool.LoadBalancingPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.List;
import java.util.concurrent.TimeUnit;

public class MetricsExample {
    public static void main(String[] args) {
        MeterRegistry registry = new SimpleMeterRegistry();   // your application's registry, e.g. Prometheus
        try (LoadBalancingPool pool = LoadBalancingPool.builder("orders")
                .strategy(Strategies.byName("peak-ewma"))
                .servers(List.of(Server.of("10.0.0.1", 8080), Server.of("10.0.0.2", 8080)))
                .observer(MicrometerPoolMetrics.custom(registry).percentileHistogram(true).build())
                .build()) {
            pool.acquire().success(TimeUnit.MILLISECONDS.toNanos(12));
            long successes = registry.get("lb4j.requests").tag("outcome", "success").timers().stream()
                    .mapToLong(Timer::count).sum();                 // one timer per server
            System.out.println(successes + " successful request, " + registry.get("lb4j.requests.active").gauges().size()
                    + " in-flight gauges");
        }
    }
}
