package io.lb4j.discovery;

import io.lb4j.algorithms.Strategies;
import io.lb4j.pool.LoadBalancingPool;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.lb4j.discovery.ZooKeeperFixture.await;
import static io.lb4j.discovery.ZooKeeperFixture.instance;
import static org.assertj.core.api.Assertions.assertThat;

/** Against a real 3-node ZooKeeper ensemble run in-process by curator-test, whose nodes the tests kill. */
class ZooKeeperClusterTest {
    private TestingCluster cluster;
    private CuratorFramework registrant;
    private CuratorFramework client;
    private ServiceDiscovery<ZooKeeperFixture.Details> registry;
    private ZooKeeperServerSource source;
    private LoadBalancingPool pool;
    private PoolBinder binder;
    private final ZooKeeperFixture.Membership membership = new ZooKeeperFixture.Membership();
    private final List<DiscoveryEvent> events = new CopyOnWriteArrayList<>();
    private final AbstractServerSourceTest.Recorder recorder = new AbstractServerSourceTest.Recorder();

    @BeforeEach
    void start() throws Exception {
        cluster = new TestingCluster(3);
        cluster.start();
        registrant = ZooKeeperFixture.client(cluster.getConnectString());
        client = ZooKeeperFixture.client(cluster.getConnectString());
        registry = ZooKeeperFixture.curatorRegistry(registrant);
        registry.registerService(instance("orders", "a", "10.0.0.1", 8080, Map.of()));
        registry.registerService(instance("orders", "b", "10.0.0.2", 8080, Map.of()));
        source = ZooKeeperServerSource.builder(client, "orders").build();
        source.subscribe(recorder);
        pool = LoadBalancingPool.builder("zk-cluster").strategy(Strategies.byName("round-robin")).build();
        pool.addListener(membership::onEvent);
        binder = PoolBinder.builder(pool, source).config(BinderConfig.custom().minUpdateInterval(Duration.ZERO).settleDelay(Duration.ofMillis(250)).build())
                .listener(events::add).bind();
        await(() -> pool.servers().size() == 2 && membership.size() == 2, "the pool to fill and its events to arrive");
        membership.startWatching();
    }

    @AfterEach
    void stop() throws Exception {
        binder.close();
        pool.close();
        source.close();
        registry.close();
        client.close();
        registrant.close();
        cluster.close();
    }

    @Test
    void updatesStillArriveAfterTheNodeTheClientUsesIsKilled() throws Exception {
        InstanceSpec connected = cluster.findConnectionInstance(client.getZookeeperClient().getZooKeeper());

        assertThat(cluster.killServer(connected)).isTrue();
        registry.registerService(instance("orders", "c", "10.0.0.3", 8080, Map.of()));

        await(() -> pool.servers().size() == 3, "c to arrive through a surviving node");
        assertThat(cluster.findConnectionInstance(client.getZookeeperClient().getZooKeeper())).isNotEqualTo(connected);
        assertThat(membership.smallest()).as("never emptied: %s; binder events %s", membership, events).isGreaterThan(0);
        assertThat(pool.servers()).extracting(io.lb4j.api.Server::id).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void losingTwoOfThreeNodesKeepsThePoolAndUpdatesResumeWithTheQuorum() throws Exception {
        List<InstanceSpec> nodes = new ArrayList<>(cluster.getInstances());

        assertThat(cluster.killServer(nodes.get(0))).isTrue();
        assertThat(cluster.killServer(nodes.get(1))).isTrue();
        await(() -> events.stream().anyMatch(e -> e.kind() == DiscoveryEvent.Kind.SOURCE_FAILED), "the loss of quorum to be reported");
        assertThat(pool.servers()).hasSize(2);

        assertThat(cluster.restartServer(nodes.get(0))).isTrue();
        await(() -> registrant.getZookeeperClient().isConnected() && client.getZookeeperClient().isConnected(), "the quorum to return");
        registry.registerService(instance("orders", "c", "10.0.0.3", 8080, Map.of()));

        await(() -> pool.servers().size() == 3, "c to arrive once the quorum is back");
        assertThat(membership.smallest()).as("never emptied: %s; binder events %s", membership, events).isGreaterThan(0);
        assertThat(pool.servers()).extracting(io.lb4j.api.Server::id).containsExactlyInAnyOrder("a", "b", "c");
    }
}
