package io.lb4j.benchmarks;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;
import io.lb4j.benchmarks.sim.StrategyFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The strategies the benchmarks, the simulation and the demo run, by name.
 *
 * <p>Placeholder until {@code io.lb4j.algorithms.Strategies} lands: only a plain rotation.
 */
public final class StrategyCatalog {
    private StrategyCatalog() {
    }

    /** Every strategy name, in display order. */
    public static List<String> names() {
        return List.of("rotation");
    }

    /** The strategies the demo runs by default (about a minute in all). */
    public static List<String> demoDefaults() {
        return List.of("rotation");
    }

    /** A strategy with production defaults (thread-local random, system ticker). */
    public static Strategy create(String name) {
        return create(name, null, Ticker.system());
    }

    /** A strategy with the given random source and ticker (for reproducible simulations). */
    public static Strategy create(String name, RandomGenerator random, Ticker ticker) {
        if ("rotation".equals(name)) {
            AtomicLong next = new AtomicLong();
            return new Strategy() {
                @Override
                public String name() {
                    return "rotation";
                }

                @Override
                public Picker newPicker(List<Endpoint> endpoints) {
                    Endpoint[] e = endpoints.toArray(new Endpoint[0]);
                    return ctx -> e[(int) Math.floorMod(next.getAndIncrement(), (long) e.length)];
                }
            };
        }
        throw new IllegalArgumentException("strategy must be one of " + names() + ", was '" + name + "'");
    }

    /** {@link #create(String, RandomGenerator, Ticker)} as a factory. */
    public static StrategyFactory factory() {
        return StrategyCatalog::create;
    }
}
