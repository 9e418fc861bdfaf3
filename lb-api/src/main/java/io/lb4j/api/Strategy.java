package io.lb4j.api;

import java.util.List;

/**
 * A balancing algorithm. The pool calls {@link #newPicker(List)} every time the set of eligible
 * endpoints or their weights change, and publishes the returned {@link Picker} atomically; the
 * strategy may keep state across pickers (a round-robin position, an lblc table) so that a republish
 * does not reset it (gRPC-java issue #4462).
 *
 * <p>Algorithms never look at health: they balance whatever list they are given, using
 * {@link Endpoint#weight()} (which slow start ramps). The pool decides which endpoints are eligible.
 *
 * <p>A strategy instance belongs to one pool. {@code newPicker} is called by one thread at a time
 * (the pool serialises updates); the pickers it returns are used by any number of threads.
 */
public interface Strategy {

    /** The canonical name, e.g. {@code "weighted-least-connections"}. */
    String name();

    /**
     * Builds the picker for a new set of eligible endpoints.
     *
     * @param endpoints the eligible endpoints, non-empty, in a stable order (the pool's insertion
     *                  order), each with {@code weight() > 0}; the list is not modified afterwards
     * @return an immutable, thread-safe picker over exactly these endpoints
     */
    Picker newPicker(List<Endpoint> endpoints);

    /**
     * Whether this strategy's pickers read the endpoints' load: {@link Endpoint#inFlight()},
     * {@link Endpoint#consecutiveFailures()} or {@link Endpoint#latencyNanos(long)}. The default, {@code true},
     * is always correct. A strategy that balances without them (round robin, random, hashing) may return
     * {@code false}: the pool then keeps each server's request counters and latency estimate in per-thread
     * stripes, so that threads completing requests on one server do not write one shared cache line
     * (nginx's workers keep their own counters the same way), and sums them when they are read.
     *
     * @return {@code false} only if no picker of this strategy reads an endpoint's load
     */
    default boolean readsLoad() {
        return true;
    }
}
