package io.lb4j.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.lb4j.discovery.ZooKeeperFixture.await;
import static io.lb4j.discovery.ZooKeeperFixture.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real ZooKeeper server run in-process by curator-test. */
class ZooKeeperServerSourceTest {
    static final String SPRING_JSON = "{\"name\":\"orders\",\"id\":\"%s\",\"address\":\"%s\",\"port\":%d,\"sslPort\":null,"
            + "\"payload\":{\"@class\":\"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance\",\"id\":\"orders-app\","
            + "\"name\":\"orders\",\"metadata\":{\"zone\":\"eu-1b\",\"instance_status\":\"%s\"}},"
            + "\"registrationTimeUTC\":1554206658406,\"serviceType\":\"DYNAMIC\",\"uriSpec\":{\"parts\":[{\"value\":\"scheme\","
            + "\"variable\":true},{\"value\":\"://\",\"variable\":false},{\"value\":\"address\",\"variable\":true}]}}";

    private TestingServer zk;
    private CuratorFramework registrant;
    private CuratorFramework client;
    private ServiceDiscovery<ZooKeeperFixture.Details> registry;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AbstractServerSourceTest.Recorder r = new AbstractServerSourceTest.Recorder();

    @BeforeEach
    void start() throws Exception {
        zk = new TestingServer(true);
        registrant = ZooKeeperFixture.client(zk.getConnectString());
        client = ZooKeeperFixture.client(zk.getConnectString());
        registry = ZooKeeperFixture.curatorRegistry(registrant);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        registry.close();
        client.close();
        registrant.close();
        zk.close();
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    private ZooKeeperServerSource source(String service) {
        ZooKeeperServerSource s = closing(ZooKeeperServerSource.builder(client, service).build());
        s.subscribe(r);
        return s;
    }

    private static List<String> ids(List<Server> servers) {
        return servers == null ? List.of() : servers.stream().map(Server::id).toList();
    }

    @Test
    void instancesRegisteredWithCuratorBecomeServers() throws Exception {
        registry.registerService(instance("orders", "a", "10.0.0.1", 8080, Map.of("zone", "eu-1a", "weight", "3")));
        registry.registerService(instance("orders", "b", "10.0.0.2", 8080, Map.of()));
        registry.registerService(instance("billing", "x", "10.0.9.9", 8080, Map.of()));

        source("orders");

        await(() -> ids(r.last()).equals(List.of("a", "b")), "a and b");
        Server a = r.last().get(0);
        assertThat(a.address()).isEqualTo("10.0.0.1:8080");
        assertThat(a.zone()).hasValue("eu-1a");
        assertThat(a.weight()).isEqualTo(3);
        assertThat(a.metadata()).containsEntry("zone", "eu-1a");
    }

    @Test
    void registrationsAndDeparturesArrive() throws Exception {
        var a = instance("orders", "a", "10.0.0.1", 8080, Map.of());
        registry.registerService(a);
        source("orders");
        await(() -> ids(r.last()).equals(List.of("a")), "a");

        registry.registerService(instance("orders", "b", "10.0.0.2", 8080, Map.of()));
        await(() -> ids(r.last()).equals(List.of("a", "b")), "b to arrive");
        registry.unregisterService(a);
        await(() -> ids(r.last()).equals(List.of("b")), "a to leave");
    }

    @Test
    void springCloudZookeeperInstancesAreReadAndOnlyUpOnesKept() throws Exception {
        create("/services/orders/s1", String.format(SPRING_JSON, "s1", "10.0.1.1", 9000, "UP"));
        create("/services/orders/s2", String.format(SPRING_JSON, "s2", "10.0.1.2", 9000, "OUT_OF_SERVICE"));
        create("/services/orders/s3", String.format(SPRING_JSON, "s3", "10.0.1.3", 9000, "UP").replace("\"serviceType\"",
                "\"enabled\":false,\"serviceType\""));
        create("/services/orders/s4", String.format(SPRING_JSON, "s4", "10.0.1.4", 9000, "UP").replace("\"metadata\":{",
                "\"metadata\":{\"weight\":\"lots\","));

        source("orders");

        await(() -> ids(r.last()).equals(List.of("s1")), "s1 only");
        assertThat(r.last().get(0).zone()).hasValue("eu-1b");
    }

    @Test
    void aMalformedNodeDoesNotHideTheOthers() throws Exception {
        create("/services/orders/s1", String.format(SPRING_JSON, "s1", "10.0.1.1", 9000, "UP"));
        source("orders");
        create("/services/orders/junk", "{not json");
        create("/services/orders/s2", String.format(SPRING_JSON, "s2", "10.0.1.2", 9000, "UP"));

        await(() -> ids(r.last()).contains("s2"), "s2 to arrive past the malformed node");
        assertThat(ids(r.last())).containsExactly("s1", "s2");
    }

    @Test
    void theLocalInstanceIsRegisteredInSpringsLayoutAndRemovedOnClose() throws Exception {
        ZooKeeperServerSource billing = ZooKeeperServerSource.builder(client, "orders")
                .register(new ZooKeeperServerSource.Registration("billing", "billing-1", "10.2.2.2", 9443, Map.of("zone", "eu-1c")))
                .build();

        byte[] data = registrant.getData().forPath("/services/billing/billing-1");
        JsonNode json = new ObjectMapper().readTree(data);
        assertThat(json.get("address").asText()).isEqualTo("10.2.2.2");
        assertThat(json.get("port").asInt()).isEqualTo(9443);
        assertThat(json.get("serviceType").asText()).isEqualTo("DYNAMIC");
        assertThat(json.at("/payload/@class").asText()).isEqualTo("org.springframework.cloud.zookeeper.discovery.ZookeeperInstance");
        assertThat(json.at("/payload/metadata/zone").asText()).isEqualTo("eu-1c");
        source("billing");
        await(() -> ids(r.last()).equals(List.of("billing-1")), "billing-1");

        billing.close();

        await(() -> ids(r.last()).isEmpty(), "the registration to be removed");
        assertThat(registrant.checkExists().forPath("/services/billing/billing-1")).isNull();
    }

    @Test
    void aSessionExpiryDoesNotEmptyThePoolAndUpdatesResumeAfterwards() throws Exception {
        registry.registerService(instance("orders", "a", "10.0.0.1", 8080, Map.of()));
        registry.registerService(instance("orders", "b", "10.0.0.2", 8080, Map.of()));
        ZooKeeperServerSource source = source("orders");
        ZooKeeperFixture.Membership membership = new ZooKeeperFixture.Membership();
        List<DiscoveryEvent> events = new CopyOnWriteArrayList<>();
        LoadBalancingPool pool = closing(LoadBalancingPool.builder("zk").strategy(Strategies.byName("round-robin"))
                .build());
        pool.addListener(membership::onEvent);
        closing(PoolBinder.builder(pool, source).config(BinderConfig.custom().minUpdateInterval(Duration.ZERO).settleDelay(Duration.ofMillis(250)).build())
                .listener(events::add).bind());
        await(() -> pool.servers().size() == 2 && membership.size() == 2, "the pool to fill and its events to arrive");
        membership.startWatching();

        client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        await(() -> events.stream().anyMatch(e -> e.kind() == DiscoveryEvent.Kind.SOURCE_FAILED), "the binder to see the loss");
        registry.registerService(instance("orders", "c", "10.0.0.3", 8080, Map.of()));

        await(() -> pool.servers().size() == 3, "c to arrive after the new session");
        assertThat(membership.smallest()).as("never emptied: %s", membership).isEqualTo(2);
        assertThat(r.failures).isNotEmpty();
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> ZooKeeperServerSource.builder(null, "x")).hasMessage("client must not be null");
        assertThatThrownBy(() -> ZooKeeperServerSource.builder(client, "a/b"))
                .hasMessage("serviceName must be a non-blank ZooKeeper node name without '/', was 'a/b'");
        assertThatThrownBy(() -> ZooKeeperServerSource.builder(client, "x").basePath("services"))
                .hasMessageStartingWith("basePath must be an absolute ZooKeeper path");
        assertThatThrownBy(() -> new ZooKeeperServerSource.Registration("x", "1", "h", 0, Map.of()))
                .hasMessage("registration port must be in [1, 65535], was 0");
    }

    private void create(String path, String json) throws Exception {
        registrant.create().creatingParentsIfNeeded().forPath(path, json.getBytes(StandardCharsets.UTF_8));
    }
}
