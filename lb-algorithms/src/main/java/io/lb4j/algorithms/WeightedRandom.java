package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Weighted random: each pick chooses endpoint {@code i} with probability {@code weight[i] / sum(weights)},
 * independently of every other pick, as nginx's {@code random} directive (without {@code two}) and Dubbo's
 * {@code RandomLoadBalance}. The table is Vose's alias method (M. D. Vose, "A linear algorithm for
 * generating random numbers with a given distribution", IEEE TSE 17(9), 1991), built in
 * {@link #newPicker(List)}: a pick draws a column uniformly and a uniform double, and returns the column's
 * endpoint or its alias. With equal weights the table is skipped and a pick is one bounded random int.
 *
 * <p>Nothing is shared between picks: no counter, no cache line written, so it scales perfectly on many
 * cores and needs no state across republishes.
 *
 * <p><b>Cost:</b> per pick O(1): at most two random draws and two array reads, no allocation. Per
 * {@code newPicker} O(n) time and memory.
 *
 * <p><b>When not to use it:</b> with few requests per client (random shares converge slowly: over 100
 * picks a 1:1 pair is often 60:40; {@link WeightedRoundRobin} is exact over every cycle); when load
 * matters more than capacity (use {@link LeastRequest}, which is random sampling plus load).
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time; pickers are immutable and
 * lock-free. The injected {@link RandomGenerator} must be thread-safe ({@link Randoms#threadLocal()} by
 * default, contention-free).
 */
public final class WeightedRandom implements Strategy {
    /** Canonical name. */
    public static final String NAME = "random";

    private final RandomGenerator random;

    /** Weighted random using {@link Randoms#threadLocal()}. */
    public WeightedRandom() {
        this(Randoms.threadLocal());
    }

    /**
     * @param random a thread-safe generator, used on every pick
     * @throws IllegalArgumentException if {@code random} is null
     */
    public WeightedRandom(RandomGenerator random) {
        this.random = EndpointArrays.notNull("random", random);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@code false}: its pickers never read an endpoint's load (the pool stripes its counters per thread). */
    @Override
    public boolean readsLoad() {
        return false;
    }

    /**
     * @throws IllegalArgumentException if {@code endpoints} is null, empty, holds null or an endpoint
     *                                  whose weight is not a finite number &gt; 0
     */
    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.copy(endpoints);
        double[] weights = EndpointArrays.weights(array);
        if (array.length == 1) {
            return new RoundRobin.SinglePicker(array[0]);
        }
        if (EndpointArrays.allEqual(weights)) {
            return new UniformPicker(array, random);
        }
        return new AliasPicker(AliasTable.build(array, weights), random);
    }

    @Override
    public String toString() {
        return NAME;
    }

    /** Uniform choice among {@code endpoints}. */
    static final class UniformPicker implements Picker {
        private final Endpoint[] endpoints;
        private final RandomGenerator random;

        UniformPicker(Endpoint[] endpoints, RandomGenerator random) {
            this.endpoints = endpoints;
            this.random = random;
        }

        @Override
        public Endpoint pick(PickContext context) {
            return endpoints[Randoms.index(random.nextInt(), endpoints.length)];
        }
    }

    private static final class AliasPicker implements Picker {
        private final AliasTable table;
        private final RandomGenerator random;

        AliasPicker(AliasTable table, RandomGenerator random) {
            this.table = table;
            this.random = random;
        }

        @Override
        public Endpoint pick(PickContext context) {
            return table.endpoints[table.sample(random)];
        }
    }

    /**
     * Vose's alias table over endpoints with the given weights. Immutable once built; {@link #sample}
     * is O(1) and allocation-free.
     */
    static final class AliasTable {
        final Endpoint[] endpoints;
        /** Probability of keeping column i rather than taking its alias. */
        private final double[] probability;
        private final int[] alias;

        private AliasTable(Endpoint[] endpoints, double[] probability, int[] alias) {
            this.endpoints = endpoints;
            this.probability = probability;
            this.alias = alias;
        }

        /** Vose's O(n) construction; {@code weights} are finite and &gt; 0. */
        static AliasTable build(Endpoint[] endpoints, double[] weights) {
            int n = weights.length;
            double sum = 0;
            for (double w : weights) {
                sum += w;
            }
            double[] scaled = new double[n];
            int[] small = new int[n];
            int[] large = new int[n];
            int smallCount = 0;
            int largeCount = 0;
            for (int i = 0; i < n; i++) {
                scaled[i] = weights[i] * n / sum;
                if (scaled[i] < 1.0) {
                    small[smallCount++] = i;
                } else {
                    large[largeCount++] = i;
                }
            }
            double[] probability = new double[n];
            int[] alias = new int[n];
            while (smallCount > 0 && largeCount > 0) {
                int s = small[--smallCount];
                int l = large[--largeCount];
                probability[s] = scaled[s];
                alias[s] = l;
                scaled[l] = (scaled[l] + scaled[s]) - 1.0;
                if (scaled[l] < 1.0) {
                    small[smallCount++] = l;
                } else {
                    large[largeCount++] = l;
                }
            }
            // What is left is 1 up to rounding error.
            while (largeCount > 0) {
                int l = large[--largeCount];
                probability[l] = 1.0;
                alias[l] = l;
            }
            while (smallCount > 0) {
                int s = small[--smallCount];
                probability[s] = 1.0;
                alias[s] = s;
            }
            return new AliasTable(endpoints, probability, alias);
        }

        /** An index drawn with probability proportional to its weight: one {@code nextLong}, no division. */
        int sample(RandomGenerator random) {
            long r = random.nextLong();
            int column = Randoms.index((int) r, probability.length);
            return Randoms.unit((int) (r >>> 32)) < probability[column] ? column : alias[column];
        }
    }
}
