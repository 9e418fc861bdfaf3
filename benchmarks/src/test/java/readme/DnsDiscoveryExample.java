package readme;

import io.lb4j.algorithms.Strategies;
import io.lb4j.discovery.DnsServerSource;
import io.lb4j.discovery.PoolBinder;
import io.lb4j.pool.LoadBalancingPool;

import java.time.Duration;

public class DnsDiscoveryExample {
    public static void main(String[] args) {
        try (DnsServerSource dns = DnsServerSource.srv("_http._tcp.orders.internal") // or .addresses("orders.internal", 8080)
                     .refreshInterval(Duration.ofSeconds(30)) // default: the JVM's networkaddress.cache.ttl, else 30 s
                     .minRefresh(Duration.ofSeconds(1))       // floor for refresh() and the first retry after a failure
                     .maxRefresh(Duration.ofMinutes(5))       // cap of the failure backoff
                     .build();
             LoadBalancingPool pool = LoadBalancingPool.builder("orders")
                     .strategy(Strategies.byName("peak-ewma")).build();
             PoolBinder binder = PoolBinder.bind(pool, dns)) {
            // ... pool.acquire() as usual ...
        }
    }
}
