package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Least connections, unweighted: the endpoint with the fewest requests in flight, as the LVS {@code lc}
 * scheduler ({@code ip_vs_lc.c}), where "connections" are this client's own in-flight requests
 * ({@link Endpoint#inFlight()}). Weights are ignored, exactly as in LVS {@code lc}.
 *
 * <p>Configured weights are ignored, but slow start is honoured: while a server ramps
 * ({@code weight() < server().weight()}), its in-flight count is weighed by its ramp fraction
 * ({@code inFlight / ramp}, compared by cross-multiplication as in {@code wlc}), so a warming server is
 * not handed every new request just because it is idle.
 *
 * <p><b>nginx users:</b> nginx's {@code least_conn} is <em>weighted</em> (it compares
 * {@code conns / weight}); its equivalent is {@link WeightedLeastConnections} ({@code wlc}), which is also
 * what {@code io.lb4j.config.NginxUpstream} maps {@code least_conn} to. Use this class only when you
 * deliberately want weights ignored.
 *
 * <p><b>Ties</b> (common: with little traffic every count is 0) are broken by scanning from a rotating
 * start: the scan begins one position later on every pick, so equal endpoints are taken in turn instead of
 * always the first one (LVS always takes the first). The rotating position is a {@link Sequence} kept
 * in the strategy, starting at a value drawn from the injected {@link RandomGenerator}, so it survives
 * republishes and clients started together do not all favour the same server.
 *
 * <p><b>Failures count as load:</b> an endpoint's load is its in-flight count plus its
 * {@link Endpoint#consecutiveFailures()}, so a server that fails fast does not look idle.
 *
 * <p><b>Cost:</b> per pick O(n): one atomic increment and a scan reading the endpoints' in-flight
 * counters, which stops at the first idle endpoint (nothing can beat 0, so the choice is the one the full
 * LVS scan would make); no allocation. Per {@code newPicker} O(n).
 *
 * <p><b>When not to use it:</b> with heterogeneous servers (use {@link WeightedLeastConnections}); with
 * hundreds of endpoints and high pick rates (the O(n) scan; use {@link LeastRequest}, O(1)); when the client
 * makes few concurrent requests (all counts are 0 and it degenerates to round robin).
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time; pickers are immutable
 * apart from the shared atomic start position, lock-free, and read live counters from any thread. Two
 * concurrent picks may see the same counts and choose the same endpoint, as in every client-side
 * least-connections balancer.
 */
public final class LeastConnections extends LeastLoadStrategy {
    /** Canonical name. */
    public static final String NAME = "least-connections";

    /** Rotating start drawn from {@link Randoms#threadLocal()}. */
    public LeastConnections() {
        this(Randoms.threadLocal());
    }

    /**
     * @param random draws the initial scan start once, here
     * @throws IllegalArgumentException if {@code random} is null
     */
    public LeastConnections(RandomGenerator random) {
        super(NAME, random);
    }

    /**
     * @throws IllegalArgumentException if {@code endpoints} is null, empty or holds null
     */
    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.copy(endpoints);
        if (array.length == 1) {
            return new RoundRobin.SinglePicker(array[0]);
        }
        double[] ramps = EndpointArrays.ramps(array);
        return ramps != null ? new WeightedLeastConnections.WlcPicker(array, ramps, start) : new LcPicker(array, start);
    }

    private static final class LcPicker implements Picker {
        private final Endpoint[] endpoints;
        private final Sequence start;

        LcPicker(Endpoint[] endpoints, Sequence start) {
            this.endpoints = endpoints;
            this.start = start;
        }

        @Override
        public Endpoint pick(PickContext context) {
            Endpoint[] es = endpoints;
            int n = es.length;
            int i = start.nextIndex(n);
            Endpoint least = es[i];
            int leastLoad = EndpointArrays.load(least);
            for (int k = 1; k < n && leastLoad > 0; k++) { // nothing beats an idle server: stop at the first
                if (++i == n) {
                    i = 0;
                }
                int load = EndpointArrays.load(es[i]);
                if (load < leastLoad) {
                    least = es[i];
                    leastLoad = load;
                }
            }
            return least;
        }
    }
}
