package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Least request by random sampling ("the power of two choices", M. Mitzenmacher, "The Power of Two
 * Choices in Randomized Load Balancing", IEEE TPDS 12(10), 2001), as Envoy's {@code LEAST_REQUEST}
 * balancer ({@code source/common/upstream/load_balancer_impl.cc}). O(1) per pick whatever the pool size.
 *
 * <h2>Equal weights: Envoy's algorithm exactly</h2>
 * Sample {@link Config#choiceCount()} endpoints at random and take the one with the fewest requests in
 * flight (the first sampled on a tie). The first two samples are <em>distinct</em> (the second is drawn
 * from the other {@code n - 1}), so with the default of two choices the most loaded endpoint is never
 * picked while another has fewer in flight; further samples (choiceCount &gt; 2) are drawn with
 * replacement, as Envoy does. When {@code choiceCount >= n} every endpoint is compared (a full scan from a
 * random start).
 *
 * <h2>Unequal weights: Envoy's effective weight, without a shared scheduler</h2>
 * Envoy prefers the endpoint with the largest effective weight {@code weight / (inFlight + 1)^bias}
 * ({@link Config#activeRequestBias()}, default 1.0) through an EDF scheduler that every pick mutates.
 * lb4j's pickers are immutable and lock-free, so it samples instead:
 * <ol>
 * <li>the first candidate is drawn in proportion to {@code weight} (an alias table, as
 *     {@link WeightedRandom}); the second uniformly among the <em>other</em> endpoints; any further ones
 *     (choiceCount &gt; 2) in proportion to weight, with replacement;</li>
 * <li>the candidate with the largest {@code weight / inFlight^bias} is kept, that is the smallest load per
 *     unit of weight {@code inFlight^bias / weight}, compared by cross-multiplication
 *     ({@code a.inFlight^bias * b.weight < b.inFlight^bias * a.weight}); on a tie the earlier candidate
 *     is kept.</li>
 * </ol>
 * Envoy's {@code + 1} is dropped on purpose: with it, an idle heavy endpoint would beat an idle light one
 * in every pair and idle pools would over-serve heavy endpoints; without it, idle endpoints tie, the first
 * candidate wins, and shares are exactly proportional to weight. Consequences:
 * <ul>
 * <li>with nothing in flight, shares are exactly proportional to the weights (only the first,
 *     weight-proportional draw decides);</li>
 * <li>under sustained load, in-flight counts are driven towards proportional to the weights (as LVS
 *     {@code wlc} and Envoy do), and an endpoint with requests in flight never wins against an idle
 *     candidate;</li>
 * <li>{@code bias = 0} ignores load entirely and degenerates to {@link WeightedRandom} (as Envoy's bias 0
 *     degenerates to weighted round robin); a bias above 1 penalises load more steeply than weight
 *     rewards capacity.</li>
 * </ul>
 *
 * <h2>Failures count as load</h2>
 * A server's load is its requests in flight plus its {@link Endpoint#consecutiveFailures()} (calls that
 * failed since its last success, capped by the pool): a server that fails fast empties its queue at once
 * and would otherwise look idle and attract traffic (the pitfall ingress-nginx and brpc fixed by charging
 * failures).
 *
 * <p><b>Cost:</b> per pick O(choiceCount): up to 2&middot;choiceCount random draws, choiceCount in-flight
 * reads, and with a bias other than 0 or 1 one {@link Math#pow} per candidate; no allocation. Per
 * {@code newPicker} O(n) (the alias table).
 *
 * <p><b>When not to use it:</b> with very few endpoints (2 or 3: a full scan as in
 * {@link WeightedLeastConnections} is as cheap and deterministic); when requests are sequential (nothing is
 * ever in flight at pick time, so it is just random); when latency, not concurrency, tells servers apart
 * (peak EWMA measures latency).
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time; pickers are immutable and
 * lock-free; the injected {@link RandomGenerator} must be thread-safe ({@link Randoms#threadLocal()} by
 * default).
 */
public final class LeastRequest implements Strategy {
    /** Canonical name. */
    public static final String NAME = "least-request";
    /** Envoy's default {@code choice_count}: 2 random candidates per pick. */
    public static final int DEFAULT_CHOICE_COUNT = 2;
    /** Smallest accepted choice count. */
    public static final int MIN_CHOICE_COUNT = 2;
    /** Largest accepted choice count. */
    public static final int MAX_CHOICE_COUNT = 64;
    /** Envoy's default {@code active_request_bias}, a dimensionless exponent. */
    public static final double DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;
    /** Largest accepted {@code active_request_bias}. */
    public static final double MAX_ACTIVE_REQUEST_BIAS = 100.0;

    private final Config config;
    private final RandomGenerator random;

    /** Default configuration, {@link Randoms#threadLocal()}. */
    public LeastRequest() {
        this(Config.ofDefaults(), Randoms.threadLocal());
    }

    /** Default configuration with the given thread-safe generator. */
    public LeastRequest(RandomGenerator random) {
        this(Config.ofDefaults(), random);
    }

    /**
     * @param config choice count and active-request bias
     * @param random a thread-safe generator, used on every pick
     * @throws IllegalArgumentException if an argument is null
     */
    public LeastRequest(Config config, RandomGenerator random) {
        this.config = EndpointArrays.notNull("config", config);
        this.random = EndpointArrays.notNull("random", random);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings this strategy was built with. */
    public Config config() {
        return config;
    }

    /**
     * @throws IllegalArgumentException if {@code endpoints} is null, empty, holds null or an endpoint
     *                                  whose weight is not a finite number &gt; 0
     */
    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.copy(endpoints);
        double[] weights = EndpointArrays.weights(array);
        int n = array.length;
        if (n == 1) {
            return new RoundRobin.SinglePicker(array[0]);
        }
        if (EndpointArrays.allEqual(weights)) {
            return config.choiceCount() >= n
                    ? new FullScanPicker(array, random)
                    : new UnweightedPicker(array, config.choiceCount(), random);
        }
        WeightedRandom.AliasTable table = WeightedRandom.AliasTable.build(array, weights);
        if (config.activeRequestBias() == 0.0) {
            return new BiasZeroPicker(table, random);
        }
        return new WeightedPicker(table, weights, config.choiceCount(), config.activeRequestBias(), random);
    }

    @Override
    public String toString() {
        return NAME + config;
    }

    /** Envoy's unweighted pick: fewest in flight among choiceCount samples, the first two distinct. */
    private static final class UnweightedPicker implements Picker {
        private final Endpoint[] endpoints;
        private final int choiceCount;
        private final RandomGenerator random;

        UnweightedPicker(Endpoint[] endpoints, int choiceCount, RandomGenerator random) {
            this.endpoints = endpoints;
            this.choiceCount = choiceCount;
            this.random = random;
        }

        @Override
        public Endpoint pick(PickContext context) {
            Endpoint[] es = endpoints;
            int n = es.length;
            long r = random.nextLong(); // two indices from one draw, without a division
            int first = Randoms.index((int) r, n);
            int second = Randoms.index((int) (r >>> 32), n - 1);
            if (second >= first) {
                second++;
            }
            Endpoint best = es[first];
            int bestLoad = EndpointArrays.load(best);
            int load = EndpointArrays.load(es[second]);
            if (load < bestLoad) {
                best = es[second];
                bestLoad = load;
            }
            for (int c = 2; c < choiceCount; c++) {
                Endpoint e = es[Randoms.index(random.nextInt(), n)];
                load = EndpointArrays.load(e);
                if (load < bestLoad) {
                    best = e;
                    bestLoad = load;
                }
            }
            return best;
        }
    }

    /** choiceCount &gt;= n with equal weights: compare everyone, from a random start. */
    private static final class FullScanPicker implements Picker {
        private final Endpoint[] endpoints;
        private final RandomGenerator random;

        FullScanPicker(Endpoint[] endpoints, RandomGenerator random) {
            this.endpoints = endpoints;
            this.random = random;
        }

        @Override
        public Endpoint pick(PickContext context) {
            Endpoint[] es = endpoints;
            int n = es.length;
            int i = random.nextInt(n);
            Endpoint best = es[i];
            int bestLoad = EndpointArrays.load(best);
            for (int k = 1; k < n; k++) {
                if (++i == n) {
                    i = 0;
                }
                int load = EndpointArrays.load(es[i]);
                if (load < bestLoad) {
                    best = es[i];
                    bestLoad = load;
                }
            }
            return best;
        }
    }

    /** Unequal weights, bias 0: load is ignored, weighted random. */
    private static final class BiasZeroPicker implements Picker {
        private final WeightedRandom.AliasTable table;
        private final RandomGenerator random;

        BiasZeroPicker(WeightedRandom.AliasTable table, RandomGenerator random) {
            this.table = table;
            this.random = random;
        }

        @Override
        public Endpoint pick(PickContext context) {
            return table.endpoints[table.sample(random)];
        }
    }

    /**
     * Unequal weights: the first candidate drawn by weight, the second uniformly among the others, more by
     * weight; the smallest {@code inFlight^bias / weight} is kept, the earlier one on a tie.
     */
    private static final class WeightedPicker implements Picker {
        private final WeightedRandom.AliasTable table;
        private final double[] weights;
        private final int choiceCount;
        private final double bias;
        private final boolean unitBias;
        private final RandomGenerator random;

        WeightedPicker(WeightedRandom.AliasTable table, double[] weights, int choiceCount, double bias,
                       RandomGenerator random) {
            this.table = table;
            this.weights = weights;
            this.choiceCount = choiceCount;
            this.bias = bias;
            this.unitBias = bias == 1.0;
            this.random = random;
        }

        private double load(Endpoint e) {
            double inFlight = Math.max(0, EndpointArrays.load(e));
            return unitBias ? inFlight : Math.pow(inFlight, bias);
        }

        @Override
        public Endpoint pick(PickContext context) {
            Endpoint[] es = table.endpoints;
            double[] ws = weights;
            int n = es.length;
            int best = table.sample(random);
            double bestLoad = load(es[best]);
            int second = Randoms.index(random.nextInt(), n - 1);
            if (second >= best) {
                second++;
            }
            double load = load(es[second]);
            // load / ws[second] < bestLoad / ws[best], by cross-multiplication
            if (load * ws[best] < bestLoad * ws[second]) {
                best = second;
                bestLoad = load;
            }
            for (int c = 2; c < choiceCount; c++) {
                int candidate = table.sample(random);
                load = load(es[candidate]);
                if (load * ws[best] < bestLoad * ws[candidate]) {
                    best = candidate;
                    bestLoad = load;
                }
            }
            return es[best];
        }
    }

    /**
     * Immutable configuration of {@link LeastRequest}, as Envoy's {@code LeastRequestLbConfig}.
     *
     * @see #custom()
     */
    public static final class Config {
        private static final Config DEFAULTS = custom().build();

        private final int choiceCount;
        private final double activeRequestBias;

        private Config(Builder b) {
            this.choiceCount = b.choiceCount;
            this.activeRequestBias = b.activeRequestBias;
        }

        /** Two choices, bias 1.0. */
        public static Config ofDefaults() {
            return DEFAULTS;
        }

        /** A builder starting from the defaults. */
        public static Builder custom() {
            return new Builder();
        }

        /** Candidates sampled per pick (Envoy {@code choice_count}). */
        public int choiceCount() {
            return choiceCount;
        }

        /** Exponent of {@code (inFlight + 1)} in the effective weight (Envoy {@code active_request_bias}). */
        public double activeRequestBias() {
            return activeRequestBias;
        }

        @Override
        public String toString() {
            return "[choiceCount=" + choiceCount + ", activeRequestBias=" + activeRequestBias + "]";
        }

        /** Builds a {@link Config}. Not thread-safe. */
        public static final class Builder {
            private int choiceCount = DEFAULT_CHOICE_COUNT;
            private double activeRequestBias = DEFAULT_ACTIVE_REQUEST_BIAS;

            private Builder() {
            }

            /**
             * @param choiceCount {@value LeastRequest#MIN_CHOICE_COUNT} to {@value LeastRequest#MAX_CHOICE_COUNT}; default
             *                    {@value LeastRequest#DEFAULT_CHOICE_COUNT}
             * @throws IllegalArgumentException if out of range
             */
            public Builder choiceCount(int choiceCount) {
                if (choiceCount < MIN_CHOICE_COUNT || choiceCount > MAX_CHOICE_COUNT) {
                    throw new IllegalArgumentException("choiceCount must be in [" + MIN_CHOICE_COUNT + ", "
                            + MAX_CHOICE_COUNT + "], was " + choiceCount);
                }
                this.choiceCount = choiceCount;
                return this;
            }

            /**
             * @param activeRequestBias 0.0 (ignore load) to {@value LeastRequest#MAX_ACTIVE_REQUEST_BIAS}; default
             *                          {@value LeastRequest#DEFAULT_ACTIVE_REQUEST_BIAS}
             * @throws IllegalArgumentException if out of range or not a number
             */
            public Builder activeRequestBias(double activeRequestBias) {
                if (!(activeRequestBias >= 0.0 && activeRequestBias <= MAX_ACTIVE_REQUEST_BIAS)) {
                    throw new IllegalArgumentException("activeRequestBias must be in [0.0, "
                            + MAX_ACTIVE_REQUEST_BIAS + "], was " + activeRequestBias);
                }
                this.activeRequestBias = activeRequestBias;
                return this;
            }

            /** The immutable settings. */
            public Config build() {
                return new Config(this);
            }
        }
    }
}
