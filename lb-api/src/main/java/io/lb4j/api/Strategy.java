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
}
