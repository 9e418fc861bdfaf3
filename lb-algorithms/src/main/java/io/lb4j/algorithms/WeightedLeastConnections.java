package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Weighted least connections: the endpoint with the smallest {@code inFlight / weight}, as the LVS
 * {@code wlc} scheduler ({@code ip_vs_wlc.c}) and nginx's {@code least_conn}. LVS computes a server's
 * overhead as {@code activeconns * 256 + inactconns}; a client has no inactive connections, so here the
 * overhead is {@link Endpoint#inFlight()}. As in LVS, the ratios are compared by cross-multiplication,
 * {@code a.inFlight * b.weight < b.inFlight * a.weight}, never by division. The products are computed in
 * {@code double}: exact for integer weights up to {@link io.lb4j.api.Server#MAX_WEIGHT} and any
 * {@code int} in-flight count (both below 2<sup>53</sup>), and correctly ordered for the fractional weights
 * slow start produces.
 *
 * <p><b>Ties</b> (for example every count at 0) are broken by scanning from a rotating start (an
 * {@link Sequence} kept in the strategy, initialised from the injected {@link RandomGenerator}), so equal
 * endpoints are taken in turn rather than always the first, as LVS would. With all counts at 0 the weights
 * therefore do not matter: {@link ShortestExpectedDelay} prefers heavier servers even then.
 *
 * <p>Weights are read once per {@code newPicker} (they change only when the pool republishes); in-flight
 * counts are read live on every pick.
 *
 * <p><b>Failures count as load:</b> an endpoint's load is its in-flight count plus its
 * {@link Endpoint#consecutiveFailures()}, so a server that fails fast does not look idle.
 *
 * <p><b>Cost:</b> per pick O(n): one atomic increment, a scan with two multiplications per endpoint that
 * stops at the first idle endpoint (its ratio 0 cannot be beaten, so the choice is the full scan's); no
 * allocation. Per {@code newPicker} O(n).
 *
 * <p><b>When not to use it:</b> with hundreds of endpoints and high pick rates (the O(n) scan; use
 * {@link LeastRequest}); when the client rarely has concurrent requests (all counts are 0: it degenerates
 * to rotation and ignores weights; use {@link WeightedRoundRobin} or {@link ShortestExpectedDelay}).
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time; pickers are immutable apart
 * from the shared start position, lock-free, usable from any thread.
 */
public final class WeightedLeastConnections extends LeastLoadStrategy {
    /** Canonical name. */
    public static final String NAME = "weighted-least-connections";

    /** Rotating start drawn from {@link Randoms#threadLocal()}. */
    public WeightedLeastConnections() {
        this(Randoms.threadLocal());
    }

    /**
     * @param random draws the initial scan start once, here
     * @throws IllegalArgumentException if {@code random} is null
     */
    public WeightedLeastConnections(RandomGenerator random) {
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
        return array.length == 1 ? new RoundRobin.SinglePicker(array[0]) : new WlcPicker(array, weights, start);
    }

    /**
     * The smallest {@code inFlight / weight} from the rotating start, stopping at the first idle endpoint; also
     * {@link LeastConnections}' picker while a server ramps (its weights are then the ramp fractions).
     */
    static final class WlcPicker extends WeightedScanPicker {
        WlcPicker(Endpoint[] endpoints, double[] weights, Sequence start) {
            super(endpoints, weights, start);
        }

        @Override
        public Endpoint pick(PickContext context) {
            Endpoint[] es = endpoints;
            double[] ws = weights;
            int n = es.length;
            int i = start.nextIndex(n);
            int least = i;
            double leastLoad = EndpointArrays.load(es[i]);
            for (int k = 1; k < n && leastLoad > 0; k++) { // an idle server's ratio 0 cannot be beaten
                if (++i == n) {
                    i = 0;
                }
                double load = EndpointArrays.load(es[i]);
                // load / ws[i] < leastLoad / ws[least], by cross-multiplication as in ip_vs_wlc.c
                if (load * ws[least] < leastLoad * ws[i]) {
                    least = i;
                    leastLoad = load;
                }
            }
            return es[least];
        }
    }
}
