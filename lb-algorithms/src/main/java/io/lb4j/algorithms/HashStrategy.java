package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The strategy body of {@link DestinationHash} and {@link SourceHash}, which differ only in name and intent:
 * both keep a {@link HashingConfig} and a random source for key-less picks and build their pickers with
 * {@link ConsistentHashing}.
 *
 * <p>Immutable and thread-safe; {@code newPicker} may be called from any thread.
 */
abstract class HashStrategy implements Strategy {
    private final String name;
    private final HashingConfig config;
    private final RandomGenerator random;

    HashStrategy(String name, HashingConfig config, RandomGenerator random) {
        this.name = name;
        this.config = EndpointArrays.notNull("config", config);
        this.random = EndpointArrays.notNull("random", random);
    }

    @Override
    public final String name() {
        return name;
    }

    /** The settings. */
    public final HashingConfig config() {
        return config;
    }

    /** {@code false}: its pickers never read an endpoint's load (the pool stripes its counters per thread). */
    @Override
    public final boolean readsLoad() {
        return false;
    }

    @Override
    public final Picker newPicker(List<Endpoint> endpoints) {
        return ConsistentHashing.newPicker(name, config, random, endpoints);
    }

    @Override
    public final String toString() {
        return name + "(" + config + ")";
    }
}
