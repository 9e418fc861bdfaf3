package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.random.RandomGenerator;

/**
 * The strategy body of the LVS least-load scanners ({@link LeastConnections}, {@link WeightedLeastConnections},
 * {@link ShortestExpectedDelay}, {@link NeverQueue}): a name and the rotating scan start, a {@link Sequence}
 * kept in the strategy (so it survives republishes) and drawn once from the injected {@link RandomGenerator}
 * (so clients started together do not all favour the same server). Each subclass builds its own pickers.
 *
 * <p>Thread-safe: immutable apart from the shared atomic start position.
 */
abstract class LeastLoadStrategy implements Strategy {
    private final String name;
    /** Where the next pick's scan starts; shared by every picker of this strategy. */
    final Sequence start;

    /**
     * @param random draws the initial scan start once, here
     * @throws IllegalArgumentException if {@code random} is null
     */
    LeastLoadStrategy(String name, RandomGenerator random) {
        this.name = name;
        this.start = new Sequence(EndpointArrays.notNull("random", random).nextLong());
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String toString() {
        return name;
    }

    /**
     * What a weighted scanning picker holds: the endpoints, their weights read once per {@code newPicker},
     * and the strategy's rotating start. Each subclass has its own final {@code pick}.
     */
    abstract static class WeightedScanPicker implements Picker {
        final Endpoint[] endpoints;
        final double[] weights;
        final Sequence start;

        WeightedScanPicker(Endpoint[] endpoints, double[] weights, Sequence start) {
            this.endpoints = endpoints;
            this.weights = weights;
            this.start = start;
        }
    }
}
