package io.lb4j.jdbc;

import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Topology#decide}: who is primary after a round of role probes. Pure function, no database. */
class TopologyRulesTest {
    private static final Node P = node("p", 3306);
    private static final Node R1 = node("r1", 3307);
    private static final Node R2 = node("r2", 3308);
    private static final List<Node> NODES = List.of(P, R1, R2);

    private static Node node(String id, int port) {
        return new Node(Server.builder("127.0.0.1", port).id(id).build(), null);
    }

    private static NodeRole writable() {
        return new NodeRole(true, false, false, null, "writable", 0);
    }

    private static NodeRole replicaOf(Node source) {
        return new NodeRole(true, true, true, source.server.address(), "replica", 0);
    }

    private static NodeRole readOnlyIdle() {
        return new NodeRole(true, true, false, null, "read-only", 0);
    }

    private static NodeRole down() {
        return NodeRole.unreachable("unreachable: refused", 0);
    }

    private static Map<String, NodeRole> roles(NodeRole p, NodeRole r1, NodeRole r2) {
        Map<String, NodeRole> m = new HashMap<>();
        if (p != null) {
            m.put("p", p);
        }
        if (r1 != null) {
            m.put("r1", r1);
        }
        if (r2 != null) {
            m.put("r2", r2);
        }
        return m;
    }

    @Test
    void healthyTopologyKeepsThePrimary() {
        Topology.Decision d = Topology.decide(P, NODES, roles(writable(), replicaOf(P), replicaOf(P)));
        assertThat(d).isEqualTo(new Topology.Decision(P, null, null));
    }

    @Test
    void deadPrimaryWithNobodyPromotedStays() {
        assertThat(Topology.decide(P, NODES, roles(down(), replicaOf(P), replicaOf(P))).primary()).isSameAs(P);
    }

    @Test
    void deadPrimaryAndOnePromotedReplicaMovesWritesThere() {
        Topology.Decision d = Topology.decide(P, NODES, roles(down(), writable(), replicaOf(P)));
        assertThat(d.primary()).isSameAs(R1);
        assertThat(d.splitBrain()).isNull();
        assertThat(d.moved()).isEqualTo("primary 'p' (127.0.0.1:3306) is unreachable and 127.0.0.1:3307 is the only"
                + " writable node that does not replicate");
    }

    @Test
    void primaryTurnedReadOnlyOrReplicatingGivesWayToTheOnlyWritableNode() {
        assertThat(Topology.decide(P, NODES, roles(readOnlyIdle(), replicaOf(P), writable())).primary()).isSameAs(R2);
        assertThat(Topology.decide(P, NODES, roles(replicaOf(R1), writable(), replicaOf(R1))).primary()).isSameAs(R1);
    }

    @Test
    void twoWritableNodesAreSplitBrainAndNothingMoves() {
        Topology.Decision d = Topology.decide(P, NODES, roles(writable(), writable(), replicaOf(P)));
        assertThat(d.primary()).isSameAs(P);
        assertThat(d.moved()).isNull();
        assertThat(d.splitBrain()).isEqualTo("split brain: 'p' (127.0.0.1:3306) and 'r1' (127.0.0.1:3307) are all writable"
                + " (@@global.read_only=OFF) and not replicating; writes are refused until exactly one is");
        // with the primary dead, two promoted replicas are split brain too: no guess between them
        Topology.Decision dead = Topology.decide(P, NODES, roles(down(), writable(), writable()));
        assertThat(dead.primary()).isSameAs(P);
        assertThat(dead.splitBrain()).contains("'r1'").contains("'r2'");
    }

    @Test
    void writableReplicaThatStillReplicatesIsNeitherACandidateNorSplitBrain() {
        NodeRole writableReplica = new NodeRole(true, false, true, "127.0.0.1:3306", "replica, writable", 0);
        assertThat(Topology.decide(P, NODES, roles(down(), writableReplica, replicaOf(P))))
                .isEqualTo(new Topology.Decision(P, null, null));
    }

    @Test
    void unprobedNodesCountAsNothing() {
        assertThat(Topology.decide(P, NODES, roles(null, writable(), null))).isEqualTo(new Topology.Decision(P, null, null));
    }
}
