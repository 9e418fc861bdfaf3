package io.lb4j.jdbc;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Strategy;

import java.util.List;

/**
 * Turns {@code lb.strategy=wlc} into a {@link Strategy} through {@link Strategies#byName(String)}.
 * Stateless and thread-safe.
 */
final class Strategies4Jdbc {
    /** The strategy used when none is configured. */
    static final String DEFAULT = "round-robin";

    private Strategies4Jdbc() {
    }

    /**
     * Strategies that pick by a request key (hash or locality). JDBC has no per-request key, so they
     * would get {@code PickContext.none()} and silently degrade to one policy: they are refused.
     */
    static final java.util.Set<String> KEY_BASED = java.util.Set.of(
            "destination-hash", "source-hash", "locality-least-connections", "locality-least-connections-replicated");

    /**
     * @throws IllegalArgumentException naming the strategy and listing the valid names when it is unknown,
     *                                  or when it picks by a request key, which JDBC reads do not have
     */
    static Strategy byName(String name) {
        Strategy s = Strategies.byName(name);
        checkNotKeyBased(s);
        return s;
    }

    /** @throws IllegalArgumentException when {@code s} picks by a request key */
    static void checkNotKeyBased(Strategy s) {
        String n = s.name();
        if (n != null && KEY_BASED.contains(n.toLowerCase(java.util.Locale.ROOT))) {
            List<String> allowed = new java.util.ArrayList<>(Strategies.names());
            allowed.removeAll(KEY_BASED);
            throw new IllegalArgumentException("strategy '" + n + "' picks by a request key (hash or locality), which JDBC"
                    + " connections do not have, so every read would go to one replica; allowed: " + String.join(", ", allowed));
        }
    }
}
