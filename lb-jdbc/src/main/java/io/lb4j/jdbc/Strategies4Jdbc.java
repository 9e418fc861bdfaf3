package io.lb4j.jdbc;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Strategy;

/**
 * Turns {@code lb.strategy=wlc} into a {@link Strategy} through {@link Strategies#byName(String)}.
 * Stateless and thread-safe.
 */
final class Strategies4Jdbc {
    /** The strategy used when none is configured. */
    static final String DEFAULT = "round-robin";

    private Strategies4Jdbc() {
    }

    /** @throws IllegalArgumentException naming the strategy and listing the valid names when it is unknown */
    static Strategy byName(String name) {
        return Strategies.byName(name);
    }
}
