package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

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
public final class NeverQueue implements Strategy {
    /** Canonical name. */
    public static final String NAME = "never-queue";

    private final Sequence start;

    /** Rotating start drawn from {@link Randoms#threadLocal()}. */
    public NeverQueue() {
        this(Randoms.threadLocal());
    }

    /**
     * @param random draws the initial scan start once, here
     * @throws IllegalArgumentException if {@code random} is null
     */
    public NeverQueue(RandomGenerator random) {
        this.start = new Sequence(EndpointArrays.notNull("random", random).nextLong());
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @throws IllegalArgumentException if {@code endpoints} is null, empty, holds null or an endpoint
     *                                  whose weight is not a finite number &gt; 0
     */
    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.copy(endpoints);
        double[] weights = EndpointArrays.weights(array);
        return array.length == 1 ? new RoundRobin.SinglePicker(array[0]) : new NqPicker(array, weights, start);
    }

    @Override
    public String toString() {
        return NAME;
    }

    private static final class NqPicker implements Picker {
        private final Endpoint[] endpoints;
        private final double[] weights;
        private final Sequence start;

        NqPicker(Endpoint[] endpoints, double[] weights, Sequence start) {
            this.endpoints = endpoints;
            this.weights = weights;
            this.start = start;
        }

        @Override
        public Endpoint pick(PickContext context) {
            Endpoint[] es = endpoints;
            double[] ws = weights;
            int n = es.length;
            int i = start.nextIndex(n);
            Endpoint first = es[i];
            int firstLoad = EndpointArrays.load(first);
            if (firstLoad <= 0) {
                return first;
            }
            int least = i;
            double leastLoad = firstLoad + 1.0;
            for (int k = 1; k < n; k++) {
                if (++i == n) {
                    i = 0;
                }
                int inFlight = EndpointArrays.load(es[i]);
                if (inFlight <= 0) {
                    return es[i]; // idle: never queue behind anything
                }
                double load = inFlight + 1.0;
                // (inFlight + 1) / weight, compared by cross-multiplication as in ip_vs_nq.c
                if (load * ws[least] < leastLoad * ws[i]) {
                    least = i;
                    leastLoad = load;
                }
            }
            return es[least];
        }
    }
}
