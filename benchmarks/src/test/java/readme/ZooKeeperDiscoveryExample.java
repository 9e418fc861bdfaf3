package readme;

import io.lb4j.algorithms.Strategies;
import io.lb4j.discovery.PoolBinder;
import io.lb4j.discovery.ZooKeeperServerSource;
import io.lb4j.pool.LoadBalancingPool;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

import java.util.Map;

public class ZooKeeperDiscoveryExample {
    public static void main(String[] args) {
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient("zk1:2181,zk2:2181,zk3:2181",
                     new ExponentialBackoffRetry(100, 10))) {
            zk.start();
            try (ZooKeeperServerSource orders = ZooKeeperServerSource.builder(zk, "orders") // reads /services/orders/*
                         .register(new ZooKeeperServerSource.Registration(           // optional: announce ourselves
                                 "billing", "billing-1", "10.0.0.5", 8080, Map.of("zone", "eu-1a")))
                         .build();
                 LoadBalancingPool pool = LoadBalancingPool.builder("orders")
                         .strategy(Strategies.byName("peak-ewma")).build();
                 PoolBinder binder = PoolBinder.bind(pool, orders)) { // metadata "zone" and "weight" map to the server
                // ... pool.acquire() as usual ...
            }
        }
    }
}
