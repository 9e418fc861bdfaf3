package io.lb4j.jdbc;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns "who is primary" for a {@link ReplicaRoutingDataSource}, the Heartbeat idea in a client. Every
 * configured node is probed for its role ({@link RoleProbe}: {@code @@global.read_only}, whether it replicates
 * and from whom) every check interval. After each round:
 * <ul>
 *   <li>When two or more reachable nodes are writable and not replicating, that is <b>split brain</b>: the
 *       view carries a message and writes are refused (never two writers, never a guess) until only one is.</li>
 *   <li>When the primary is unreachable, read-only or replicating, and exactly one other node is writable and
 *       not replicating, writes move there: the primary's pool gets the new node, the replicas' pool loses
 *       it, listeners get an {@code ADDED} event whose reason says from where to where, and an INFO log says
 *       the same. Otherwise the primary stays (writes then fail naming it).</li>
 *   <li>A node other than the primary that replicates joins the replicas' pool (an old primary restarted as
 *       a replica of the new one takes reads again); its health probes decide when it is eligible.</li>
 * </ul>
 * {@link #setPrimary} moves writes by hand (a switchover); the next rounds still apply the rules above.
 *
 * <p>Thread-safe: the view is one immutable snapshot behind a volatile field; rounds and moves are
 * serialised by one lock, off the connections' paths.
 */
final class Topology implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Topology.class);

    /** The routing's current idea of the primary. Immutable. */
    record View(Node primary, String splitBrain, boolean primaryReadOnly, boolean primaryUnreachable) {
    }

    private final ReplicaRoutingDataSource ds;
    private final boolean discovery;
    private final Duration interval;
    private final Duration timeout;
    private final Map<String, NodeRole> roles = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final AtomicBoolean roundQueued = new AtomicBoolean();
    /** The last probe of each node; a node whose probe still runs is not probed again (one in flight per node). */
    private final Map<String, Future<NodeRole>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService probes;
    private final ScheduledExecutorService scheduler;
    private volatile View view;
    private volatile boolean closed;

    Topology(ReplicaRoutingDataSource ds, Node primary, boolean discovery, Duration interval, Duration timeout, boolean schedule) {
        this.ds = ds;
        this.discovery = discovery;
        this.interval = interval;
        this.timeout = timeout;
        this.view = new View(primary, null, false, false);
        if (discovery) {
            this.probes = Executors.newCachedThreadPool(threads("lb4j-role-probe-" + ds.name));
            this.scheduler = schedule ? Executors.newSingleThreadScheduledExecutor(threads("lb4j-topology-" + ds.name)) : null;
        } else {
            this.probes = null;
            this.scheduler = null;
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    void start() {
        if (scheduler != null) {
            long every = interval.toNanos();
            scheduler.scheduleWithFixedDelay(this::scheduledRound, 0, every, TimeUnit.NANOSECONDS);
        }
    }

    View view() {
        return view;
    }

    /** The last role probed for {@code nodeName}, or null. */
    NodeRole role(String nodeName) {
        return roles.get(nodeName);
    }

    /** Whether the primary is known down: its last role probe failed, or its health checks ejected it. */
    boolean primaryDown() {
        View v = view;
        if (v.primaryUnreachable()) {
            return true;
        }
        try {
            return ds.primaryPool.state(v.primary().name()) == HealthState.DOWN;
        } catch (RuntimeException e) { // moved meanwhile
            return false;
        }
    }

    /** A connection to {@code node} as primary failed: probe the roles again soon instead of at the next interval. */
    void primaryFailed(Node node) {
        if (scheduler != null && !closed && roundQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::scheduledRound);
            } catch (RuntimeException e) { // closed meanwhile
                roundQueued.set(false);
            }
        }
    }

    private void scheduledRound() {
        roundQueued.set(false);
        try {
            probeNow();
        } catch (RuntimeException e) {
            log.warn("{}: role probe round failed", ds.name, e);
        }
    }

    /** Probes every node's role now (in parallel, each within the check timeout) and applies the rules. */
    void probeNow() {
        if (!discovery || closed) {
            return;
        }
        List<Node> nodes = new ArrayList<>(ds.nodes.values());
        List<Future<NodeRole>> futures = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            Future<NodeRole> f = inFlight.compute(n.name(), (k, prev) -> prev != null && !prev.isDone() ? prev
                    : probes.submit(() -> RoleProbe.probe(n.dataSource, timeout, ds.ticker)));
            futures.add(f);
        }
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(200);
        for (int i = 0; i < nodes.size(); i++) {
            NodeRole r;
            try {
                r = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                r = NodeRole.unreachable("unreachable: role probe timed out after " + timeout, ds.ticker.read());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                r = null;
            }
            if (r != null) {
                roles.put(nodes.get(i).name(), r);
            }
        }
        evaluate();
    }

    /**
     * The outcome of one round of role probes: who is primary, the split-brain message (or null), and why the
     * primary moved (null when it did not). Immutable.
     */
    record Decision(Node primary, String splitBrain, String moved) {
    }

    /**
     * The rules, as a pure function of the current primary and the last role of every node (a node with no
     * role yet counts as nothing): two or more writable nodes that do not replicate are split brain (nothing
     * moves); otherwise a primary that is unreachable, read-only or replicating gives way to the only other
     * writable node that does not replicate, if there is exactly one.
     */
    static Decision decide(Node primary, Collection<Node> nodes, Map<String, NodeRole> roles) {
        List<Node> writable = new ArrayList<>();
        for (Node n : nodes) {
            NodeRole r = roles.get(n.name());
            if (r != null && r.writableSource()) {
                writable.add(n);
            }
        }
        if (writable.size() >= 2) {
            List<String> names = new ArrayList<>();
            for (Node n : writable) {
                names.add(n.label());
            }
            Collections.sort(names);
            return new Decision(primary, "split brain: " + String.join(" and ", names) + " are all writable"
                    + " (@@global.read_only=OFF) and not replicating; writes are refused until exactly one is", null);
        }
        NodeRole pr = roles.get(primary.name());
        if (pr != null && (!pr.reachable() || pr.readOnly() || pr.replicating()) && writable.size() == 1 && writable.get(0) != primary) {
            Node next = writable.get(0);
            return new Decision(next, null, "primary " + primary.label() + " is " + pr.roleName() + " and "
                    + next.server.address() + " is the only writable node that does not replicate");
        }
        return new Decision(primary, null, null);
    }

    private void evaluate() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            View old = view;
            Decision d = decide(old.primary(), ds.nodes.values(), roles);
            Node primary = d.primary();
            if (d.moved() != null) {
                move(old.primary(), primary, d.moved());
            }
            String splitBrain = d.splitBrain();
            if (splitBrain != null && !splitBrain.equals(old.splitBrain())) {
                log.error("{}: {}", ds.name, splitBrain);
            } else if (splitBrain == null && old.splitBrain() != null) {
                log.info("{}: split brain resolved: writes go to {}", ds.name, primary.describe(true));
            }
            NodeRole pr = roles.get(primary.name());
            view = new View(primary, splitBrain, pr != null && pr.reachable() && pr.readOnly(), pr != null && !pr.reachable());
            reconcileReplicas(primary);
        }
    }

    /**
     * Non-primary nodes that replicate belong to the replicas' pool (without discovery: every non-primary
     * node, its health probes decide); the primary does not.
     */
    private void reconcileReplicas(Node primary) {
        for (Node n : ds.nodes.values()) {
            boolean member = ds.replicaPool.server(n.name()).isPresent();
            NodeRole r = roles.get(n.name());
            try {
                if (n == primary && member) {
                    ds.replicaPool.remove(n.name());
                } else if (n != primary && !member && (!discovery || r != null && r.reachable() && r.replicating())) {
                    log.info("{}: {} {}: it takes reads", ds.name, n.describe(false),
                            r == null ? "is no longer the primary" : "replicates from " + r.source());
                    ds.replicaPool.add(n.server);
                }
            } catch (RuntimeException e) { // closed, or changed concurrently by addReplica/removeReplica
                log.debug("{}: could not update the replicas' pool for {}: {}", ds.name, n.name(), e.toString());
            }
        }
    }

    /**
     * Moves writes to the node named {@code nodeName} by hand (a switchover).
     *
     * @throws IllegalArgumentException when no node has that name
     */
    void setPrimary(String nodeName, String why) {
        synchronized (lock) {
            Node next = ds.nodes.get(nodeName);
            if (next == null) {
                throw new IllegalArgumentException("'" + ds.name + "' has no node named '" + nodeName + "'; nodes: " + ds.nodes.keySet());
            }
            Node primary = view.primary();
            if (next == primary) {
                return;
            }
            move(primary, next, why);
            NodeRole r = roles.get(next.name());
            view = new View(next, view.splitBrain(), r != null && r.reachable() && r.readOnly(), r != null && !r.reachable());
            reconcileReplicas(next);
        }
    }

    private void move(Node from, Node to, String why) {
        Server next = to.server;
        if (ds.primaryPool.server(next.id()).isEmpty()) {
            ds.primaryPool.add(next);
        }
        ds.primaryPool.remove(from.name());
        log.info("{}: primary moved from {} to {}: {}", ds.name, from.server.address(), next.address(), why);
        ds.fire(new HealthEvent(ds.name + "-primary", next, HealthEvent.Kind.ADDED, HealthState.UP, HealthState.UP,
                "primary moved from " + from.server.address() + " to " + next.address() + ": " + why, ds.ticker.read()));
    }

    @Override
    public void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (probes != null) {
            probes.shutdownNow();
        }
    }
}
