package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation and snapshotting of the endpoint list a strategy's {@code newPicker} receives. Internal to
 * lb4j: every message names the argument, the offending element and what is allowed, so that no
 * {@link NullPointerException} or {@link IndexOutOfBoundsException} escapes a public entry point.
 *
 * <p>Stateless and thread-safe.
 */
final class EndpointArrays {
    private EndpointArrays() {
    }

    /**
     * Copies {@code endpoints} into an array after checking that the list is non-null, non-empty and has
     * no null element.
     *
     * @throws IllegalArgumentException naming {@code endpoints} and the bad element
     */
    static Endpoint[] copy(List<Endpoint> endpoints) {
        if (endpoints == null) {
            throw new IllegalArgumentException("endpoints must not be null");
        }
        int n = endpoints.size();
        if (n == 0) {
            throw new IllegalArgumentException("endpoints must not be empty: a picker needs at least one endpoint");
        }
        Endpoint[] array = new Endpoint[n];
        for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get(i);
            if (e == null) {
                throw new IllegalArgumentException("endpoints[" + i + "] must not be null");
            }
            if (e.server() == null) {
                throw new IllegalArgumentException("endpoints[" + i + "].server() must not be null");
            }
            array[i] = e;
        }
        return array;
    }

    /**
     * Reads every endpoint's weight once (the weight changes only when the pool publishes a new picker).
     *
     * @throws IllegalArgumentException naming the endpoint when a weight is not a finite number &gt; 0
     */
    static double[] weights(Endpoint[] endpoints) {
        double[] w = new double[endpoints.length];
        for (int i = 0; i < endpoints.length; i++) {
            double weight = endpoints[i].weight();
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("endpoints[" + i + "] (" + endpoints[i].server().id()
                        + ") weight must be a finite number > 0, was " + weight);
            }
            w[i] = weight;
        }
        return w;
    }

    /**
     * {@link #copy}, {@link #weights} and distinct server ids, with the strategy's name in front of every
     * message; for strategies that index endpoints by server id (hashing, locality, peak EWMA).
     *
     * @throws IllegalArgumentException when the list is null or empty, holds a null, an endpoint with a
     *                                  null server, a weight that is not a finite number above zero, or
     *                                  two endpoints with the same server id
     */
    static Endpoint[] checkedArray(String strategy, List<Endpoint> endpoints) {
        try {
            Endpoint[] array = copy(endpoints);
            weights(array);
            Map<String, Integer> seen = new HashMap<>(array.length * 2);
            for (int i = 0; i < array.length; i++) {
                Integer previous = seen.put(array[i].server().id(), i);
                if (previous != null) {
                    throw new IllegalArgumentException("endpoints must have distinct server ids, '"
                            + array[i].server().id() + "' is at indexes " + previous + " and " + i);
                }
            }
            return array;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(strategy + ": " + e.getMessage(), e);
        }
    }

    /**
     * Each endpoint's slow-start ramp: {@code weight() / server().weight()}, at most 1 (1 for a server
     * that is not ramping). Strategies that ignore weights still honour slow start by balancing in
     * proportion to these.
     *
     * @return the ramps, or null when no endpoint is ramping (the common case)
     */
    static double[] ramps(Endpoint[] endpoints) {
        double[] r = null;
        for (int i = 0; i < endpoints.length; i++) {
            int configured = endpoints[i].server().weight();
            double w = endpoints[i].weight();
            if (configured > 0 && w > 0 && w < configured) {
                if (r == null) {
                    r = new double[endpoints.length];
                    java.util.Arrays.fill(r, 1.0);
                }
                r[i] = w / configured;
            }
        }
        return r;
    }

    /**
     * An endpoint's load for load-aware strategies: its requests in flight plus its
     * {@link Endpoint#consecutiveFailures()}, so that a server that fails fast (and so never has anything
     * in flight) does not look idle and attract traffic.
     */
    static int load(Endpoint e) {
        return e.inFlight() + e.consecutiveFailures();
    }

    /** Whether every weight equals the first one. */
    static boolean allEqual(double[] weights) {
        for (int i = 1; i < weights.length; i++) {
            if (weights[i] != weights[0]) {
                return false;
            }
        }
        return true;
    }

    /** {@code null} check for an injected collaborator, with a message naming it. */
    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }
}
