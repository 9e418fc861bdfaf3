package io.lb4j.discovery;

import io.lb4j.api.Server;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Servers from ZooKeeper, in the layout of Apache Curator's service discovery ({@code curator-x-discovery}):
 * one node per instance under {@code basePath/serviceName}, holding a {@code ServiceInstance} as JSON (see
 * {@link CuratorInstanceJson}). Services that register with Curator, and Spring Cloud Zookeeper applications
 * (base path {@code /services}, the default here), are discovered as they are.
 *
 * <h2>Mapping</h2>
 * An instance becomes a server with the instance's id, its {@code address} and {@code port} (or
 * {@code sslPort} with {@link Builder#useSslPort(boolean)}), and its metadata (Spring's
 * {@code payload.metadata}, else the payload's fields). Metadata {@code zone} sets the server's zone and
 * {@code weight} its weight (1 to {@link Server#MAX_WEIGHT}). Instances with {@code "enabled":false}, or
 * with Spring's {@code instance_status} other than {@code UP}, are left out; an instance that cannot be
 * mapped (no port, a bad weight) is left out and logged once.
 *
 * <h2>Connection loss</h2>
 * The list comes from Curator's {@link ServiceCache}, which watches the nodes and survives reconnections.
 * When the connection is {@code SUSPENDED} or {@code LOST} (session expired) the source reports a failure —
 * so a {@link PoolBinder} keeps the last good list — and when it is {@code RECONNECTED} it delivers the
 * cache's list again. A session expiry therefore never empties a pool: the other instances' nodes belong
 * to their own sessions, and the pool side refuses empty lists while it has healthy servers.
 *
 * <h2>Registration</h2>
 * With {@link Builder#register(Registration)}, the local instance is registered as an ephemeral node in the
 * Spring-compatible layout, re-registered by Curator after a session expiry, and removed on {@link #close()}.
 *
 * <h2>Dependency</h2>
 * Needs {@code org.apache.curator:curator-x-discovery} (with {@code curator-framework}, ZooKeeper and
 * Jackson), an {@code optional} dependency of {@code lb-algorithms}: add it to your build to use this class;
 * nothing else in lb4j loads it. The {@link CuratorFramework} is yours: start it before {@code build()} and
 * close it after this source.
 *
 * <p>Thread-safe. Lists are delivered on Curator's event threads.
 */
public final class ZooKeeperServerSource extends AbstractServerSource {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperServerSource.class);

    /** Spring Cloud Zookeeper's default root ({@code spring.cloud.zookeeper.discovery.root}). */
    public static final String DEFAULT_BASE_PATH = "/services";

    private final String serviceName;
    private final boolean useSslPort;
    private final ServiceDiscovery<Map<String, String>> discovery;
    private final ServiceCache<Map<String, String>> cache;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * The local instance to register.
     *
     * @param serviceName the service it belongs to, not blank, no {@code /}
     * @param id          a unique instance id, not blank, no {@code /}
     * @param address     the host or IP others connect to, not blank
     * @param port        1 to 65535
     * @param metadata    Spring-style metadata (e.g. {@code zone}, {@code weight}), not null
     */
    public record Registration(String serviceName, String id, String address, int port, Map<String, String> metadata) {
        /** Validates every part: the names as ZooKeeper path segments, the port in range. */
        public Registration {
            segment("registration serviceName", serviceName);
            segment("registration id", id);
            if (address == null || address.isBlank() || address.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("registration address must be a host without white space, was "
                        + (address == null ? "null" : "'" + address + "'"));
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("registration port must be in [1, 65535], was " + port);
            }
            if (metadata == null) {
                throw new IllegalArgumentException("registration metadata must not be null");
            }
            metadata = Map.copyOf(metadata);
        }
    }

    private ZooKeeperServerSource(Builder b) throws Exception {
        super("zookeeper:" + b.basePath + "/" + b.serviceName);
        this.serviceName = b.serviceName;
        this.useSslPort = b.useSslPort;
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Map<String, String>> type = (Class) Map.class;
        ServiceDiscoveryBuilder<Map<String, String>> db = ServiceDiscoveryBuilder.builder(type).client(b.client)
                .basePath(b.basePath).serializer(new CuratorInstanceJson()).watchInstances(false);
        if (b.registration != null) {
            Registration r = b.registration;
            db.thisInstance(new ServiceInstance<>(r.serviceName(), r.id(), r.address(), r.port(), null, r.metadata(),
                    System.currentTimeMillis(), ServiceType.DYNAMIC, null, true));
        }
        this.discovery = db.build();
        ServiceCache<Map<String, String>> c = null;
        try {
            discovery.start();
            c = discovery.serviceCacheBuilder().name(serviceName).build();
            c.addListener(new ServiceCacheListener() {
                @Override
                public void cacheChanged() {
                    publishCurrent();
                }

                @Override
                public void stateChanged(CuratorFramework client, ConnectionState state) {
                    onConnection(state);
                }
            });
            c.start();
        } catch (Exception e) {
            closeQuietly(c);
            closeQuietly(discovery);
            throw e;
        }
        this.cache = c;
        if (!c.getInstances().isEmpty() || noInstanceNodes(b.client, b.basePath + "/" + serviceName)) {
            publishCurrent();
        }
        // else the cache has not seen the nodes yet (it loads on its own thread): its events deliver the list,
        // and an empty list that only means "not loaded yet" is never sent
    }

    private static boolean noInstanceNodes(CuratorFramework client, String path) throws Exception {
        try {
            return client.getChildren().forPath(path).isEmpty();
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            return true;
        }
    }

    /**
     * @param client      a started Curator client, not null; the caller keeps ownership
     * @param serviceName the service to discover, not blank, no {@code /}
     */
    public static Builder builder(CuratorFramework client, String serviceName) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        segment("serviceName", serviceName);
        return new Builder(client, serviceName);
    }

    /** Delivers the cache's current list again. */
    @Override
    public void refresh() {
        publishCurrent();
    }

    private void onConnection(ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            log.warn("{}: ZooKeeper connection {}; the pool keeps its servers", name(), state);
            publishFailure(new IOException(name() + ": ZooKeeper connection " + state));
        } else if (state == ConnectionState.RECONNECTED) {
            log.info("{}: ZooKeeper connection RECONNECTED", name());
            publishCurrent();
        }
    }

    private void publishCurrent() {
        ServiceCache<Map<String, String>> c = cache;
        if (c == null || isClosed()) {
            return;
        }
        List<Server> servers = new ArrayList<>();
        for (ServiceInstance<Map<String, String>> i : c.getInstances()) {
            Server s = toServer(i);
            if (s != null) {
                servers.add(s);
            }
        }
        servers.sort(Comparator.comparing(Server::id));
        publish(servers);
    }

    private Server toServer(ServiceInstance<Map<String, String>> i) {
        Map<String, String> meta = i.getPayload() == null ? Map.of() : i.getPayload();
        if (!i.isEnabled() || (meta.containsKey("instance_status") && !"UP".equals(meta.get("instance_status")))) {
            return null;
        }
        try {
            Integer port = useSslPort ? i.getSslPort() : i.getPort();
            if (port == null) {
                throw new IllegalArgumentException((useSslPort ? "sslPort" : "port") + " is missing");
            }
            if (i.getId() == null || i.getAddress() == null) {
                throw new IllegalArgumentException("id and address are required");
            }
            Server.Builder b = Server.builder(i.getAddress(), port).id(i.getId());
            String zone = meta.get("zone");
            if (zone != null) {
                b.zone(zone);
            }
            String weight = meta.get("weight");
            if (weight != null) {
                b.weight(parseWeight(weight));
            }
            meta.forEach(b::metadata);
            return b.build();
        } catch (IllegalArgumentException e) {
            if (warned.add(String.valueOf(i.getId()))) {
                log.warn("{}: instance {} left out: {}", name(), i.getId(), e.getMessage());
            }
            return null;
        }
    }

    private static int parseWeight(String w) {
        if (!w.matches("[0-9]{1,7}")) {
            throw new IllegalArgumentException("metadata weight must be an integer in [1, " + Server.MAX_WEIGHT + "], was '" + w + "'");
        }
        int n = Integer.parseInt(w);
        if (n < 1 || n > Server.MAX_WEIGHT) {
            throw new IllegalArgumentException("metadata weight must be in [1, " + Server.MAX_WEIGHT + "], was " + n);
        }
        return n;
    }

    @Override
    protected void doClose() {
        closeQuietly(cache);
        closeQuietly(discovery);
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("{}: closing {}: {}", name(), c, e.toString());
        }
    }

    private static String segment(String field, String value) {
        if (value == null || value.isBlank() || value.contains("/") || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must be a non-blank ZooKeeper node name without '/', was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    /** Builds a {@link ZooKeeperServerSource}. Not thread-safe. */
    public static final class Builder {
        private final CuratorFramework client;
        private final String serviceName;
        private String basePath = DEFAULT_BASE_PATH;
        private boolean useSslPort;
        private Registration registration;

        private Builder(CuratorFramework client, String serviceName) {
            this.client = client;
            this.serviceName = serviceName;
        }

        /** The root of the registry, an absolute ZooKeeper path; default {@link #DEFAULT_BASE_PATH}. */
        public Builder basePath(String path) {
            if (path == null || !path.matches("(/[^/\\s]+)+")) {
                throw new IllegalArgumentException("basePath must be an absolute ZooKeeper path such as /services, was "
                        + (path == null ? "null" : "'" + path + "'"));
            }
            this.basePath = path;
            return this;
        }

        /** Whether to connect to each instance's {@code sslPort} instead of its {@code port}; default false. */
        public Builder useSslPort(boolean useSslPort) {
            this.useSslPort = useSslPort;
            return this;
        }

        /** Registers this local instance while the source is open. */
        public Builder register(Registration registration) {
            if (registration == null) {
                throw new IllegalArgumentException("registration must not be null");
            }
            this.registration = registration;
            return this;
        }

        /**
         * Registers the local instance if any, loads the current instances and starts watching.
         *
         * @throws IllegalStateException when ZooKeeper cannot be reached or read; the message names the path
         */
        public ZooKeeperServerSource build() {
            try {
                return new ZooKeeperServerSource(this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting discovery of " + basePath + "/" + serviceName, e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start discovery of " + basePath + "/" + serviceName + ": " + e, e);
            }
        }
    }
}
