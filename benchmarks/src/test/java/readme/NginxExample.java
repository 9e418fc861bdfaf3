package readme;

import io.lb4j.config.NginxUpstream;
import io.lb4j.pool.LoadBalancingPool;

public class NginxExample {
    public static void main(String[] args) {
        try (LoadBalancingPool pool = NginxUpstream.parse("""
                upstream backend {
                    least_conn;
                    server 127.0.0.1:9090 down;
                    server 127.0.0.1:8080 weight=2 max_fails=3 fail_timeout=30s;
                    server 127.0.0.1:6060 slow_start=10s;
                    server 127.0.0.1:7070 backup;
                }
                """).toPoolBuilder().build()) {
            System.out.println(pool.servers().size() + " servers, picked " + pool.acquire().server().address());
        }
    }
}
