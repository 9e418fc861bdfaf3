package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Shortest expected delay: the endpoint with the smallest {@code (inFlight + 1) / weight}, as the LVS
 * {@code sed} scheduler ({@code ip_vs_sed.c}; Jinsong Wang's "expected delay" of the new request on a
 * server that serves {@code weight} requests per unit of time). Unlike {@link WeightedLeastConnections},
 * the {@code + 1} counts the request being placed, so weights matter even when nothing is in flight: with
 * weights 1 and 2 and no requests, {@code sed} picks the weight-2 server ({@code 1/2 < 1/1}) while
 * {@code wlc} sees a tie ({@code 0/1 = 0/2}). The ratios are compared by cross-multiplication,
 * {@code (a.inFlight + 1) * b.weight < (b.inFlight + 1) * a.weight}, in {@code double} (exact for integer
 * weights and any {@code int} count).
 *
 * <p><b>Ties</b> are broken by scanning from a rotating start (a {@link Sequence} kept in the strategy,
 * initialised from the injected {@link RandomGenerator}); LVS always takes the first.
 *
 * <p>Weights are read once per {@code newPicker}; in-flight counts are read live on every pick.
 *
 * <p><b>Failures count as load:</b> an endpoint's load is its in-flight count plus its
 * {@link Endpoint#consecutiveFailures()}, so a server that fails fast does not look idle.
 *
 * <p><b>Cost:</b> per pick O(n): one atomic increment and a scan with two multiplications per endpoint;
 * no allocation. Per {@code newPicker} O(n).
 *
 * <p><b>When not to use it:</b> when the client rarely has concurrent requests and weights are very
 * uneven: with every count at 0 the heaviest server takes every request until it has enough in flight
 * (that is the point of {@code sed}, but it starves light servers under sequential load; use
 * {@link WeightedRoundRobin}); with hundreds of endpoints at high pick rates (O(n) scan; use
 * {@link LeastRequest}).
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time; pickers are immutable apart
 * from the shared start position, lock-free, usable from any thread.
 */
public final class ShortestExpectedDelay extends LeastLoadStrategy {
    /** Canonical name. */
    public static final String NAME = "shortest-expected-delay";

    /** Rotating start drawn from {@link Randoms#threadLocal()}. */
    public ShortestExpectedDelay() {
        this(Randoms.threadLocal());
    }

    /**
     * @param random draws the initial scan start once, here
     * @throws IllegalArgumentException if {@code random} is null
     */
    public ShortestExpectedDelay(RandomGenerator random) {
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
        return array.length == 1 ? new RoundRobin.SinglePicker(array[0]) : new SedPicker(array, weights, start, false);
    }

    /**
     * The smallest {@code (inFlight + 1) / weight} from the rotating start; with {@code neverQueue} (LVS
     * {@code nq}, {@link NeverQueue}) the first idle endpoint met is taken at once.
     */
    static final class SedPicker extends WeightedScanPicker {
        private final boolean neverQueue;

        SedPicker(Endpoint[] endpoints, double[] weights, Sequence start, boolean neverQueue) {
            super(endpoints, weights, start);
            this.neverQueue = neverQueue;
        }

        @Override
        public Endpoint pick(PickContext context) {
            Endpoint[] es = endpoints;
            double[] ws = weights;
            boolean nq = neverQueue;
            int n = es.length;
            int i = start.nextIndex(n);
            int firstLoad = EndpointArrays.load(es[i]);
            if (nq && firstLoad <= 0) {
                return es[i];
            }
            int least = i;
            double leastLoad = firstLoad + 1.0;
            for (int k = 1; k < n; k++) {
                if (++i == n) {
                    i = 0;
                }
                int inFlight = EndpointArrays.load(es[i]);
                if (nq && inFlight <= 0) {
                    return es[i]; // idle: never queue behind anything
                }
                double load = inFlight + 1.0;
                // (inFlight + 1) / weight, compared by cross-multiplication as in ip_vs_sed.c and ip_vs_nq.c
                if (load * ws[least] < leastLoad * ws[i]) {
                    least = i;
                    leastLoad = load;
                }
            }
            return es[least];
        }
    }
}
