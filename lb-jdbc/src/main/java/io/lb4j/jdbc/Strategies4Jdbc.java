package io.lb4j.jdbc;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seam through which lb-jdbc turns a strategy name ({@code lb.strategy=wlc}) into a {@link Strategy}.
 * It delegates to {@code io.lb4j.algorithms.Strategies.byName(name)}, and knows one strategy of its own,
 * {@code round-robin} (alias {@code rr}), the default.
 *
 * <p>Stateless and thread-safe.
 */
final class Strategies4Jdbc {
    /** The strategy used when none is configured. */
    static final String DEFAULT = "round-robin";

    private Strategies4Jdbc() {
    }

    /**
     * @throws IllegalArgumentException naming the strategy when it is unknown
     */
    static Strategy byName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("strategy name must not be blank");
        }
        try {
            Class<?> c = Class.forName("io.lb4j.algorithms.Strategies");
            Method m = c.getMethod("byName", String.class);
            return (Strategy) m.invoke(null, name);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (isRoundRobin(name)) {
                return new Rotation();
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalArgumentException("unknown strategy '" + name + "'", cause);
        } catch (ReflectiveOperationException e) {
            if (isRoundRobin(name)) {
                return new Rotation();
            }
            throw new IllegalArgumentException("unknown strategy '" + name + "'; known: round-robin (rr)");
        }
    }

    private static boolean isRoundRobin(String name) {
        return name.equalsIgnoreCase("round-robin") || name.equalsIgnoreCase("rr") || name.equalsIgnoreCase("roundrobin");
    }

    /** Plain rotation over the eligible list; the position survives republishes. */
    static final class Rotation implements Strategy {
        private final AtomicLong next = new AtomicLong();

        @Override
        public String name() {
            return "round-robin";
        }

        @Override
        public Picker newPicker(List<Endpoint> endpoints) {
            if (endpoints == null || endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints must not be null or empty, was " + endpoints);
            }
            Endpoint[] array = endpoints.toArray(new Endpoint[0]);
            return ctx -> array[(int) Math.floorMod(next.getAndIncrement(), (long) array.length)];
        }
    }
}
