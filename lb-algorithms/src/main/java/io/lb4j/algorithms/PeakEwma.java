package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Power of two choices over peak-EWMA latency (Finagle {@code Balancers.p2cPeakEwma}, Linkerd,
 * tower's {@code PeakEwma}): pick two distinct endpoints at random and take the one of lower cost
 * {@code latency × (inFlight + 1) / weight}, where a server's consecutive failures count as requests in flight
 * ({@link Endpoint#consecutiveFailures()}), so a server that fails fast looks loaded, not idle.
 *
 * <p>{@code latency} is {@link Endpoint#latencyNanos()}, the peak-sensitive EWMA the pool keeps per
 * endpoint and decays (its decay time is a pool setting): it jumps up to a slow response at once and
 * fades back slowly, so a server that starts to struggle is avoided before its average moves. An
 * endpoint without a sample yet ({@code !hasLatencySample()}) is costed at
 * {@link PeakEwmaConfig#initialLatency()} (default 30 ms, Linkerd's default RTT), so a new server is
 * tried when the others are slower than that and kept mostly idle otherwise. Dividing by the weight
 * (slow start ramps it) is lb4j's addition. Two random choices (Mitzenmacher, "The Power of Two
 * Choices in Randomized Load Balancing", 2001) avoid the herd behaviour of always taking the global
 * minimum when many clients see the same stale numbers. Ties go to the first of the two draws, which
 * is uniform.
 *
 * <p><b>Cost.</b> Pick: O(1) — two random draws and two cost computations from live atomics;
 * lock-free, allocation-free. {@link #newPicker}: O(n) copy of the list. Per completed call the pool
 * updates the EWMA (a few atomic operations), not this class.
 *
 * <p><b>When not to use it.</b> When latency is dominated by the request rather than the server
 * (mixed cheap and expensive calls on one pool make the EWMA noise); when requests are so rare that
 * the EWMA is mostly decayed or absent (use least connections); when you need key affinity (use a
 * hashing strategy); with a single client and very few servers, where plain least-request is as good
 * and easier to reason about.
 *
 * <p><b>Thread-safety.</b> Stateless apart from the injected random source (which must be thread-safe,
 * as {@link Randoms#threadLocal()} and {@link Randoms#seeded(long)} are); pickers are immutable and
 * used by any number of threads.
 */
public final class PeakEwma implements Strategy {
    /** The canonical name. */
    public static final String NAME = "peak-ewma";

    private final PeakEwmaConfig config;
    private final RandomGenerator random;
    private final double initialLatencyNanos;

    /** Initial latency 30 ms, thread-local random. */
    public PeakEwma() {
        this(PeakEwmaConfig.ofDefaults(), Randoms.threadLocal());
    }

    /** Peak EWMA with these settings. */
    public PeakEwma(PeakEwmaConfig config) {
        this(config, Randoms.threadLocal());
    }

    /**
     * @param config the settings
     * @param random the source of the two random choices (thread-safe)
     */
    public PeakEwma(PeakEwmaConfig config, RandomGenerator random) {
        this.config = EndpointArrays.notNull("config", config);
        this.random = EndpointArrays.notNull("random", random);
        this.initialLatencyNanos = config.initialLatency().toNanos();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings. */
    public PeakEwmaConfig config() {
        return config;
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.checkedArray(NAME, endpoints);
        return array.length == 1 ? new ConsistentHashing.SinglePicker(array[0])
                : new P2cPicker(array, random, initialLatencyNanos);
    }

    @Override
    public String toString() {
        return NAME + "(" + config + ")";
    }

    /** Two random choices, lower cost wins. */
    static final class P2cPicker implements Picker {
        private final Endpoint[] endpoints;
        private final RandomGenerator random;
        private final double initialLatencyNanos;

        P2cPicker(Endpoint[] endpoints, RandomGenerator random, double initialLatencyNanos) {
            this.endpoints = endpoints;
            this.random = random;
            this.initialLatencyNanos = initialLatencyNanos;
        }

        @Override
        public Endpoint pick(PickContext context) {
            ConsistentHashing.checkContext(context);
            return choose(Long.MIN_VALUE);
        }

        /** The pool passes its clock reading: one read per request instead of one per candidate. */
        @Override
        public Endpoint pick(PickContext context, long nowNanos) {
            ConsistentHashing.checkContext(context);
            return choose(nowNanos == Long.MIN_VALUE ? nowNanos + 1 : nowNanos);
        }

        private Endpoint choose(long now) {
            int n = endpoints.length;
            long r = random.nextLong(); // two indices from one draw, without a division
            int a = Randoms.index((int) r, n);
            int b = Randoms.index((int) (r >>> 32), n - 1);
            if (b >= a) {
                b++;
            }
            Endpoint first = endpoints[a];
            Endpoint second = endpoints[b];
            // cost = latency * (load + 1) / weight, compared by cross-multiplication: no division
            return cost(second, now) * first.weight() < cost(first, now) * second.weight() ? second : first;
        }

        /**
         * The cost before dividing by the weight. {@code now} is {@link Long#MIN_VALUE} when the caller gave no
         * time: each endpoint reads its own clock.
         */
        private double cost(Endpoint e, long now) {
            double latency = !e.hasLatencySample() ? initialLatencyNanos
                    : now == Long.MIN_VALUE ? e.latencyNanos() : e.latencyNanos(now);
            return latency * (EndpointArrays.load(e) + 1.0);
        }

        @Override
        public String toString() {
            return "PeakEwmaPicker[" + endpoints.length + " endpoints]";
        }
    }
}
