package readme;

import io.lb4j.algorithms.Strategies;
import io.lb4j.discovery.FileServerSource;
import io.lb4j.discovery.PoolBinder;
import io.lb4j.pool.LoadBalancingPool;

import java.nio.file.Path;
import java.time.Duration;

public class FileDiscoveryExample {
    public static void main(String[] args) {
        try (FileServerSource file = FileServerSource.nginx(Path.of("/etc/lb4j/orders.conf")) // or .serverList(path)
                     .pollInterval(Duration.ofSeconds(5)) // the fallback poll; events arrive at once
                     .build();                            // a malformed file at start throws, with line and column
             LoadBalancingPool pool = LoadBalancingPool.builder("orders")
                     .strategy(Strategies.byName("wrr")).build();
             PoolBinder binder = PoolBinder.builder(pool, file)
                     .listener(e -> System.out.println(e)) // APPLIED, SOURCE_FAILED (a bad edit, with line and column), ...
                     .bind()) {
            // edit the file: servers join (slow start) and leave (drained); a bad edit keeps the last good list
        }
    }
}
