package io.lb4j.discovery;

import io.lb4j.api.HealthEvent;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers for the ZooKeeper tests: clients, and instances registered the way Curator users register them. */
final class ZooKeeperFixture {
    private ZooKeeperFixture() {
    }

    /** The payload a Curator user might register: Jackson writes it with an {@code @class} property. */
    public static final class Details {
        public Map<String, String> metadata = new LinkedHashMap<>();

        public Details() {
        }

        Details(Map<String, String> metadata) {
            this.metadata = new LinkedHashMap<>(metadata);
        }
    }

    static CuratorFramework client(String connect) {
        CuratorFramework c = CuratorFrameworkFactory.newClient(connect, 15_000, 5_000, new ExponentialBackoffRetry(100, 20, 1_000));
        c.start();
        return c;
    }

    /** Curator's own discovery with Curator's own JSON serializer, as an existing service registers itself. */
    static ServiceDiscovery<Details> curatorRegistry(CuratorFramework client) throws Exception {
        ServiceDiscovery<Details> d = ServiceDiscoveryBuilder.builder(Details.class).client(client).basePath("/services")
                .serializer(new JsonInstanceSerializer<>(Details.class)).build();
        d.start();
        return d;
    }

    static ServiceInstance<Details> instance(String service, String id, String address, int port, Map<String, String> meta)
            throws Exception {
        return ServiceInstance.<Details>builder().name(service).id(id).address(address).port(port)
                .payload(new Details(meta)).build();
    }

    /** Bounded wait for something a real ZooKeeper does asynchronously. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 30 s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Follows a pool's membership through its ADDED and REMOVED events and remembers the smallest size seen
     * once watching started: proof that a pool was never emptied along the way.
     */
    static final class Membership {
        private final Set<String> ids = new HashSet<>();
        private boolean watching;
        private int smallest = Integer.MAX_VALUE;
        private int removals;

        synchronized void onEvent(HealthEvent e) {
            if (e.kind() == HealthEvent.Kind.ADDED) {
                ids.add(e.server().id());
            } else if (e.kind() == HealthEvent.Kind.REMOVED) {
                ids.remove(e.server().id());
                removals++;
            }
            if (watching) {
                smallest = Math.min(smallest, ids.size());
            }
        }

        synchronized void startWatching() {
            watching = true;
            smallest = ids.size();
        }

        /** Members seen through events so far (events arrive just after the pool publishes). */
        synchronized int size() {
            return ids.size();
        }

        synchronized int smallest() {
            return smallest;
        }

        @Override
        public synchronized String toString() {
            return "members " + ids + ", smallest " + smallest + ", removals " + removals;
        }
    }
}
