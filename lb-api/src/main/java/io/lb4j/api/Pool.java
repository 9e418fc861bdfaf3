package io.lb4j.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A named set of servers, the strategy that balances over them and the health tracking that decides
 * which of them are eligible.
 *
 * <p>{@link #acquire(PickContext)} is the hot path: lock-free, reading one immutable snapshot published
 * through a single volatile write. Every change (add, remove, re-weight, mark down/up, drain, and the
 * transitions health tracking makes) is serialised, builds a new snapshot and publishes it; a pick
 * that starts after a change returned never sees the state before it.
 *
 * <p>Methods that name a server by id throw {@link IllegalArgumentException} naming the pool and the
 * id when the pool has no such server. Thread-safe.
 */
public interface Pool extends AutoCloseable {

    /** The pool's name, as used in logs, events and errors. */
    String name();

    /** Picks a server without a hash key. See {@link #acquire(PickContext)}. */
    Lease acquire();

    /**
     * Picks a server for one request and opens a lease on it. Complete the lease in {@code finally}.
     *
     * @param context the request's key and exclusions; not null
     * @return an open lease
     * @throws NoAvailableServerException when no server is eligible; the message says why
     */
    Lease acquire(PickContext context);

    /**
     * Adds a server; it starts {@link HealthState#UP} (ramping up if slow start is on).
     *
     * @throws IllegalArgumentException when a server with the same id is already a member
     */
    void add(Server server);

    /** Adds a server in {@link HealthState#DOWN} state (nginx {@code server ... down}). */
    void addDown(Server server);

    /**
     * Removes a server. Picks that start after this returns never choose it; leases already open on it
     * may still be completed.
     *
     * @return whether the server was a member
     */
    boolean remove(String serverId);

    /**
     * Replaces the membership in one step: one rebuild, one publish, whatever the number of differences,
     * so a discovery source (see {@link ServerSource}) never makes the pool republish once per server.
     * <ul>
     *   <li>servers whose id is already a member keep their endpoint: counters, in-flight requests, peak
     *       EWMA and health state are untouched;</li>
     *   <li>new ids start as {@link #add(Server)} starts them: {@link HealthState#UP}, ramping up when slow
     *       start is on;</li>
     *   <li>members whose id is missing are drained (no new picks; leases already open may be completed) and
     *       then dropped;</li>
     *   <li>a kept server whose settings changed (weight, backup, zone, metadata, health overrides) takes the
     *       new ones at once.</li>
     * </ul>
     * One {@link HealthEvent} is fired per difference ({@link HealthEvent.Kind#ADDED},
     * {@link HealthEvent.Kind#REMOVED}, {@link HealthEvent.Kind#WEIGHT_CHANGED}), after the new picker is
     * published. An empty collection removes every member; the safety rules that stop a broken discovery
     * source from doing that belong to the caller ({@code io.lb4j.discovery.PoolBinder}).
     *
     * @param servers the complete new membership
     * @throws IllegalArgumentException when servers is null, holds null or two servers with the same id
     */
    void update(Collection<Server> servers);

    /** Changes a server's weight; 0 quiesces it (never picked, in-flight requests finish). */
    void setWeight(String serverId, int weight);

    /** Takes a server out administratively (nginx {@code down}). */
    void markDown(String serverId);

    /** Puts a down or draining server back; an ejected server stays ejected until its health recovers. */
    void markUp(String serverId);

    /**
     * Stops new picks of a server; requests in flight finish.
     *
     * @return completes when the server has no request in flight any more
     */
    CompletableFuture<Void> drain(String serverId);

    /** The members, in insertion order. */
    List<Server> servers();

    /** The member with this id, if any. */
    Optional<Server> server(String serverId);

    /** A member's health state. */
    HealthState state(String serverId);

    /** A member's counters. */
    EndpointStats stats(String serverId);

    /** Every member's counters, in insertion order. */
    List<EndpointStats> stats();

    /** Registers a listener for health and membership events. */
    void addListener(HealthListener listener);

    /** Unregisters a listener. */
    void removeListener(HealthListener listener);

    /** Stops active health checks; later picks fail with {@link NoAvailableServerException.Reason#CLOSED}. */
    @Override
    void close();
}
