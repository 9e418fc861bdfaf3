package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a {@link LoadBalancingPool}: its members, their state and counters, what is eligible,
 * but no way to change, pick from or close it. Handed out by owners that manage a pool themselves (e.g.
 * lb-jdbc's {@code ReplicaRoutingDataSource}), so that callers can watch the pool without breaking the owner's
 * invariants.
 *
 * <p>Thread-safe: every method reads the live pool.
 */
public final class PoolView {
    private final LoadBalancingPool pool;

    private PoolView(LoadBalancingPool pool) {
        this.pool = pool;
    }

    /**
     * A read-only view of {@code pool}.
     *
     * @param pool the pool; not null
     * @return its view
     * @throws IllegalArgumentException when pool is null
     */
    public static PoolView of(LoadBalancingPool pool) {
        return new PoolView(Checks.notNull("pool", pool));
    }

    /** The pool's name. See {@link LoadBalancingPool#name()}. */
    public String name() {
        return pool.name();
    }

    /** The strategy balancing the pool. */
    public Strategy strategy() {
        return pool.strategy();
    }

    /** The settings the pool was built with. */
    public PoolConfig config() {
        return pool.config();
    }

    /** The members, in insertion order. See {@link LoadBalancingPool#servers()}. */
    public List<Server> servers() {
        return pool.servers();
    }

    /**
     * The member with this id, if any.
     *
     * @param serverId not null
     * @return the member, or empty
     */
    public Optional<Server> server(String serverId) {
        return pool.server(serverId);
    }

    /**
     * A member's health state.
     *
     * @param serverId a member's id
     * @return its state
     * @throws IllegalArgumentException when the pool has no such member
     */
    public HealthState state(String serverId) {
        return pool.state(serverId);
    }

    /**
     * A member's counters.
     *
     * @param serverId a member's id
     * @return a copy of its counters
     * @throws IllegalArgumentException when the pool has no such member
     */
    public EndpointStats stats(String serverId) {
        return pool.stats(serverId);
    }

    /** Every member's counters, in insertion order. */
    public List<EndpointStats> stats() {
        return pool.stats();
    }

    /** The endpoints the current picker balances over. See {@link LoadBalancingPool#eligible()}. */
    public List<Endpoint> eligible() {
        return pool.eligible();
    }

    /** Whether the pool is in panic mode. */
    public boolean panicking() {
        return pool.panicking();
    }

    @Override
    public String toString() {
        return "PoolView[" + pool + "]";
    }
}
