package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation of the endpoint list a pool hands to {@code Strategy.newPicker}, shared by the hashing,
 * locality and peak-EWMA strategies: every failure is an {@link IllegalArgumentException} naming the
 * field, the value and what is allowed, never a {@code NullPointerException}.
 *
 * <p>Stateless and thread-safe. Called off the hot path only (once per picker).
 */
final class PickerInputs {
    private PickerInputs() {
    }

    /**
     * Checks the list and copies it into an array.
     *
     * @param strategy the strategy's name, for the messages
     * @param endpoints the list given to {@code newPicker}
     * @return the endpoints in list order
     * @throws IllegalArgumentException when the list is null or empty, holds a null, an endpoint with a
     *                                  null server, a weight that is not a finite number above zero, or
     *                                  two endpoints with the same server id
     */
    static Endpoint[] checkedArray(String strategy, List<Endpoint> endpoints) {
        if (endpoints == null) {
            throw new IllegalArgumentException(strategy + ": endpoints must not be null");
        }
        int n = endpoints.size();
        if (n == 0) {
            throw new IllegalArgumentException(strategy + ": endpoints must not be empty (the pool passes only"
                    + " a non-empty eligible set)");
        }
        Endpoint[] array = new Endpoint[n];
        Map<String, Integer> seen = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get(i);
            if (e == null) {
                throw new IllegalArgumentException(strategy + ": endpoints[" + i + "] must not be null");
            }
            if (e.server() == null) {
                throw new IllegalArgumentException(strategy + ": endpoints[" + i + "].server() must not be null");
            }
            double w = e.weight();
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(strategy + ": endpoints[" + i + "] (" + e.server().id()
                        + ") weight must be a finite number > 0, was " + w);
            }
            Integer previous = seen.put(e.server().id(), i);
            if (previous != null) {
                throw new IllegalArgumentException(strategy + ": endpoints must have distinct server ids, '"
                        + e.server().id() + "' is at indexes " + previous + " and " + i);
            }
            array[i] = e;
        }
        return array;
    }

    /** Throws an {@link IllegalArgumentException} naming the null field. */
    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }
}
