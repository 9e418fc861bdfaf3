package io.lb4j.jdbc;

/**
 * The JMX view of one {@link ReplicaRoutingDataSource}, registered as
 * {@code io.lb4j.jdbc:type=Routing,name=<lb.name>} on the platform MBean server while the routing is open.
 * Read-only; needs no database credentials.
 */
public interface RoutingMXBean {
    /** The routing's name ({@code lb.name}). */
    String getName();

    /** The node writes go to now: {@code name (host:port)}. */
    String getPrimary();

    /** The split-brain message while two or more nodes are writable and not replicating; empty otherwise. */
    String getSplitBrain();

    /** The replicas' names, in pool order. */
    String[] getReplicas();

    /**
     * One line per node: name, role (PRIMARY/REPLICA), address, health state, what the role probe found,
     * lag in seconds (-1 unknown), connections in flight, picks, successes and failures.
     */
    String[] getNodes();

    /** Physical connections checked out now, over all nodes. */
    int getInFlight();
}
