package readme;

import io.lb4j.algorithms.WeightedRoundRobin;
import io.lb4j.api.Lease;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;

import java.io.IOException;
import java.time.Duration;

public class QuickStart {
    public static void main(String[] args) throws IOException {
        try (LoadBalancingPool pool = LoadBalancingPool.builder("orders")
                .strategy(new WeightedRoundRobin())
                .config(PoolConfig.custom()
                        .passiveHealth(PassiveHealth.nginx(3, Duration.ofSeconds(30)))   // max_fails=3 fail_timeout=30s
                        .slowStart(Duration.ofSeconds(10))
                        .build())
                .server(Server.builder("10.0.0.1", 8080).weight(2).build())
                .server(Server.of("10.0.0.2", 8080))
                .server(Server.builder("10.0.0.9", 8080).backup(true).build())
                .build()) {
            for (int i = 0; i < 3; i++) {
                Lease lease = pool.acquire();              // lock-free, allocation-free pick
                try {
                    call(lease.server());
                    lease.success();                       // latency feeds peak EWMA
                } catch (IOException e) {
                    lease.failure(e);                      // feeds passive health
                    throw e;
                } finally {
                    lease.drop();                          // no-op once completed; covers anything unexpected
                }
            }
        }                                                  // close() stops health checks and their threads
    }

    static void call(Server server) throws IOException {
        System.out.println("calling " + server.address()); // your client's call to server.host():server.port()
    }
}
