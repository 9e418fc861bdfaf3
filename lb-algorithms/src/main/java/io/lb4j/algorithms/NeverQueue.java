package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Never queue: an idle endpoint (nothing in flight) if there is one, otherwise shortest expected delay,
 * as the LVS {@code nq} scheduler ({@code ip_vs_nq.c}). One scan does both: it returns the first idle
 * endpoint it meets and otherwise keeps the smallest {@code (inFlight + 1) / weight}, compared by
 * cross-multiplication in {@code double} as in {@link ShortestExpectedDelay}. The scan starts at a rotating
 * position (a {@link Sequence} kept in the strategy, initialised from the injected
 * {@link RandomGenerator}), so idle endpoints are used in turn rather than always the first, as LVS would.
 *
 * <p>Weights are read once per {@code newPicker}; in-flight counts are read live on every pick.
 *
 * <p><b>Failures count as load:</b> an endpoint's load is its in-flight count plus its
 * {@link Endpoint#consecutiveFailures()}, so a server that fails fast never looks idle.
 *
 * <p><b>Cost:</b> per pick O(n) at worst (the scan stops at the first idle endpoint): one atomic increment,
 * two multiplications per endpoint scanned; no allocation. Per {@code newPicker} O(n).
 *
 * <p><b>When not to use it:</b> when weights must hold under light load: while any endpoint is idle,
 * {@code nq} ignores weights (a weight-1 server idles as often as a weight-10 one); use
 * {@link ShortestExpectedDelay} or {@link WeightedRoundRobin}. With hundreds of endpoints at high pick
 * rates, use {@link LeastRequest}.
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time; pickers are immutable apart
 * from the shared start position, lock-free, usable from any thread. Two concurrent picks may both take
 * the same idle endpoint.
 */
public final class NeverQueue extends LeastLoadStrategy {
    /** Canonical name. */
    public static final String NAME = "never-queue";

    /** Rotating start drawn from {@link Randoms#threadLocal()}. */
    public NeverQueue() {
        this(Randoms.threadLocal());
    }

    /**
     * @param random draws the initial scan start once, here
     * @throws IllegalArgumentException if {@code random} is null
     */
    public NeverQueue(RandomGenerator random) {
        super(NAME, random);
    }

    /**
     * @throws IllegalArgumentException if {@code endpoints} is null, empty, holds null or an endpoint
     *                                  whose weight is not a finite number &gt; 0
     */
    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.copy(endpoints);
        double[] weights = EndpointArrays.weights(array);
        return array.length == 1 ? new RoundRobin.SinglePicker(array[0])
                : new ShortestExpectedDelay.SedPicker(array, weights, start, true);
    }
}
