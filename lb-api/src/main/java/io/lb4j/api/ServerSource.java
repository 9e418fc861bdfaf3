package io.lb4j.api;

import java.util.List;

/**
 * Service discovery for a pool: a source of <em>complete</em> server lists (DNS, a watched file, a
 * ZooKeeper registry, ...). Each delivery replaces the previous one; a source never sends differences.
 * The pool side ({@code io.lb4j.discovery.PoolBinder} in {@code lb-algorithms}) applies each list with one
 * {@link Pool#update(java.util.Collection)} and enforces the safety rules (a failed or empty list never
 * empties a healthy pool, large removals wait for confirmation, bursts are coalesced), so a source can stay
 * simple: it reports what it sees.
 *
 * <h2>Contract for implementations</h2>
 * <ul>
 *   <li>{@link #subscribe(Subscriber)} registers a subscriber; when the source already holds a list it
 *       delivers it to the new subscriber (on the calling thread or soon after), as gRPC's
 *       {@code NameResolver} and Finagle's {@code Var} do, so a late subscriber never waits a whole
 *       refresh period.</li>
 *   <li>Calls to one subscriber are never concurrent, and arrive in the order the source saw the
 *       lists.</li>
 *   <li>A list holds no null and no two servers with the same {@linkplain Server#id() id}; it may be empty
 *       (the name exists and has no server) — the subscriber decides what an empty list means.</li>
 *   <li>A failure to read the source (a DNS timeout, a malformed file, a lost ZooKeeper session) is reported
 *       with {@link Subscriber#onFailure(Throwable)}, never as an empty list.</li>
 *   <li>A subscriber that throws is logged and neither stops the source nor other subscribers.</li>
 *   <li>After {@link #close()} nothing more is delivered and the source's threads and connections are
 *       released. Closing twice is harmless.</li>
 * </ul>
 *
 * <p>Implementations must be thread-safe.
 */
public interface ServerSource extends AutoCloseable {

    /** A short description for logs and errors, e.g. {@code dns:_http._tcp.example.com} or a file path. */
    String name();

    /**
     * Registers a subscriber.
     *
     * @param subscriber not null
     * @return a handle that unregisters the subscriber
     * @throws IllegalArgumentException when {@code subscriber} is null
     * @throws IllegalStateException when the source is closed
     */
    Subscription subscribe(Subscriber subscriber);

    /**
     * Asks the source to read again soon and to deliver the result to every subscriber <em>even when it did
     * not change</em>: the binder uses this to confirm a list that would remove many servers at once, and
     * callers use it after connections to the servers failed. A source may rate-limit it (a DNS source honours
     * its minimum refresh interval). Does not block. The default does nothing, for sources that always
     * deliver promptly.
     */
    default void refresh() {
    }

    /** Stops the source and releases its threads and connections; nothing is delivered afterwards. */
    @Override
    void close();

    /** Receives a source's lists. */
    interface Subscriber {

        /**
         * A complete new list of servers, replacing the previous one.
         *
         * @param servers unmodifiable, no null, ids unique; may be empty
         */
        void onServers(List<Server> servers);

        /**
         * The source could not be read this time; the previous list is still the source's best knowledge.
         *
         * @param error what went wrong, with a message naming the source
         */
        void onFailure(Throwable error);
    }

    /** A registration made by {@link #subscribe(Subscriber)}. */
    interface Subscription extends AutoCloseable {

        /** Stops deliveries to this subscriber. Harmless when called again. */
        @Override
        void close();
    }
}
