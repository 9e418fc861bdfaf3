package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * Smooth weighted round robin, as nginx's default balancer ({@code ngx_http_upstream_get_peer} in
 * {@code ngx_http_upstream_round_robin.c}): on every pick each peer's {@code current_weight} grows by its
 * weight, the peer with the largest {@code current_weight} is chosen (the first one in list order on a
 * tie) and the total weight is subtracted from it. Weights 5, 1, 1 give {@code a a b a c a a} and
 * repeat; weights 1, 1, 1 give plain rotation.
 *
 * <h2>Lock-free, immutable picker</h2>
 * nginx mutates every peer's {@code current_weight} on every pick, under the upstream's lock. lb4j instead
 * runs that loop once, in {@link #newPicker(List)}, for one full cycle, and stores the resulting sequence
 * of endpoints in an array. A pick is then {@code sequence[floorMod(counter++, length)]}: one atomic
 * increment and one array read, O(1), no allocation, no lock. Because the nginx algorithm is periodic
 * with period {@code sum(weights)} (all {@code current_weight}s are back to 0 after one cycle), the
 * repeated array is exactly the sequence nginx produces forever.
 *
 * <h2>Exactly which sequence</h2>
 * <ol>
 * <li><b>Integer weights.</b> The weights are read once per {@code newPicker}. When every weight is an
 * integer and their sum is at most {@link Config#maxSequenceLength()} (default
 * {@value #DEFAULT_MAX_SEQUENCE_LENGTH}), they are used as they are.</li>
 * <li><b>Fractional or large weights.</b> Otherwise (slow start ramps weights through fractional values;
 * or the total is large) every weight is quantised: {@code q = max(1, round(w * maxSequenceLength / sum))}
 * (rounding half up). So every endpoint keeps at least one slot per cycle, each share is within half a
 * slot of exact, and the cycle is at most {@code maxSequenceLength + n} long.</li>
 * <li>The quantised weights are divided by their greatest common divisor, which does not change the
 * smooth sequence (multiplying all weights by k multiplies every {@code current_weight} by k, so every
 * comparison is the same) but shortens the cycle: weights 2, 2 give the same {@code a b} as 1, 1.</li>
 * <li><b>The schedule.</b> When {@code n * cycleLength} is at most {@value #SMOOTH_BUILD_LIMIT}
 * operations, the cycle is nginx's smooth sequence, exactly. Beyond that (pools of roughly a thousand
 * servers or more) simulating nginx would cost O(n) per slot, so the cycle is built by Envoy's
 * earliest-deadline-first scheduler instead, in O(cycleLength &middot; log n): the k-th slot of endpoint
 * i has deadline {@code k / q[i]}, slots are taken in deadline order, ties in list order. Its proportions
 * over one cycle are exact as well; it is less evenly interleaved than nginx's only for heavy endpoints.</li>
 * </ol>
 *
 * <p>The position is a {@link Sequence} kept in the <em>strategy</em>, so a republish (ejection,
 * restore, re-weighting) continues counting instead of restarting every client at the heaviest server.
 * When the cycle changes, the new cycle is entered at {@code position mod newLength}. By default the
 * counter starts at a random value (many clients started together do not all begin at the same server);
 * {@link Config.Builder#randomStart(boolean) randomStart(false)} starts at 0, where nginx starts.
 *
 * <p><b>Cost:</b> per pick O(1) (one {@code getAndIncrement}, one array read), no allocation. Per
 * {@code newPicker} O(n &middot; L) time for nginx's schedule (bounded by {@value #SMOOTH_BUILD_LIMIT}
 * steps) or O(L log n) for the EDF schedule, and O(L) memory, with {@code L <= maxSequenceLength + n}.
 *
 * <p><b>When not to use it:</b> when requests differ widely in cost or servers slow down unpredictably
 * (weights do not see load; prefer {@link WeightedLeastConnections} or {@link LeastRequest}); when
 * weights change very often (every republish rebuilds the cycle; during a long slow start on a huge pool
 * {@link WeightedRandom}'s O(n) rebuild is cheaper).
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time (the pool serialises
 * updates); pickers are immutable apart from the shared atomic counter, lock-free and usable from any
 * thread.
 */
public final class WeightedRoundRobin implements Strategy {
    /** Canonical name. */
    public static final String NAME = "weighted-round-robin";
    /** Default bound on the precomputed cycle length before quantisation, in entries. */
    public static final int DEFAULT_MAX_SEQUENCE_LENGTH = 4096;
    /** Smallest accepted {@link Config#maxSequenceLength()}, in entries. */
    public static final int MIN_MAX_SEQUENCE_LENGTH = 16;
    /** Largest accepted {@link Config#maxSequenceLength()}, in entries. */
    public static final int MAX_MAX_SEQUENCE_LENGTH = 1 << 20;
    /** Largest {@code n * cycleLength} for which nginx's O(n)-per-slot simulation is used, in steps. */
    public static final long SMOOTH_BUILD_LIMIT = 1L << 22;

    private final Config config;
    private final Sequence position;

    /** Default configuration, random start drawn from {@link Randoms#threadLocal()}. */
    public WeightedRoundRobin() {
        this(Config.ofDefaults(), Randoms.threadLocal());
    }

    /** Default configuration; {@code random} draws the starting position once. */
    public WeightedRoundRobin(RandomGenerator random) {
        this(Config.ofDefaults(), random);
    }

    /**
     * @param config the cycle bound and start policy
     * @param random draws the starting position once, here (when {@link Config#randomStart()})
     * @throws IllegalArgumentException if an argument is null
     */
    public WeightedRoundRobin(Config config, RandomGenerator random) {
        this.config = EndpointArrays.notNull("config", config);
        EndpointArrays.notNull("random", random);
        this.position = new Sequence(config.randomStart() ? random.nextLong() : 0L);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings this strategy was built with. */
    public Config config() {
        return config;
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
        return new SequencePicker(schedule(array, weights, config.maxSequenceLength()), position);
    }

    /** The cycle this strategy's pickers repeat, for the given endpoints; see the class comment. */
    static Endpoint[] schedule(Endpoint[] endpoints, double[] weights, int maxSequenceLength) {
        long[] q = quantise(weights, maxSequenceLength);
        long length = 0;
        for (long v : q) {
            length += v;
        }
        int len = (int) length; // <= maxSequenceLength + n, fits
        return (long) endpoints.length * len <= SMOOTH_BUILD_LIMIT
                ? smooth(endpoints, q, len)
                : earliestDeadlineFirst(endpoints, q, len);
    }

    /** Integer weights with gcd 1, each &gt;= 1; see the class comment. */
    static long[] quantise(double[] weights, int maxSequenceLength) {
        int n = weights.length;
        long[] q = new long[n];
        double sum = 0;
        boolean integral = true;
        for (double w : weights) {
            sum += w;
            integral &= w == Math.rint(w);
        }
        if (integral && sum <= maxSequenceLength) {
            for (int i = 0; i < n; i++) {
                q[i] = (long) weights[i];
            }
        } else {
            double scale = maxSequenceLength / sum;
            for (int i = 0; i < n; i++) {
                q[i] = Math.max(1L, (long) Math.floor(weights[i] * scale + 0.5));
            }
        }
        long g = q[0];
        for (int i = 1; i < n && g > 1; i++) {
            g = gcd(g, q[i]);
        }
        if (g > 1) {
            for (int i = 0; i < n; i++) {
                q[i] /= g;
            }
        }
        return q;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** nginx's loop, run for one full cycle. */
    private static Endpoint[] smooth(Endpoint[] endpoints, long[] q, int len) {
        int n = endpoints.length;
        long[] current = new long[n];
        Endpoint[] sequence = new Endpoint[len];
        for (int slot = 0; slot < len; slot++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += q[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= len;
            sequence[slot] = endpoints[best];
        }
        return sequence;
    }

    /** Envoy's EDF: the k-th (1-based) slot of endpoint i is due at k / q[i]; ties in list order. */
    private static Endpoint[] earliestDeadlineFirst(Endpoint[] endpoints, long[] q, int len) {
        int n = endpoints.length;
        long[] next = new long[n]; // the number (1-based) of each endpoint's next slot
        PriorityQueue<Integer> queue = new PriorityQueue<>(n, (a, b) -> {
            int c = Long.compare(next[a] * q[b], next[b] * q[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int i = 0; i < n; i++) {
            next[i] = 1;
            queue.add(i);
        }
        Endpoint[] sequence = new Endpoint[len];
        for (int slot = 0; slot < len; slot++) {
            int i = queue.poll();
            sequence[slot] = endpoints[i];
            next[i]++;
            queue.add(i);
        }
        return sequence;
    }

    @Override
    public String toString() {
        return NAME + config;
    }

    /** Repeats a precomputed cycle; also {@link RoundRobin}'s picker (its cycle is the endpoint list). */
    static final class SequencePicker implements Picker {
        private final Endpoint[] sequence;
        private final Sequence position;

        SequencePicker(Endpoint[] sequence, Sequence position) {
            this.sequence = sequence;
            this.position = position;
        }

        @Override
        public Endpoint pick(PickContext context) {
            return sequence[position.nextIndex(sequence.length)];
        }
    }

    /**
     * Immutable configuration of {@link WeightedRoundRobin}.
     *
     * @see #custom()
     */
    public static final class Config {
        private static final Config DEFAULTS = custom().build();

        private final int maxSequenceLength;
        private final boolean randomStart;

        private Config(Builder b) {
            this.maxSequenceLength = b.maxSequenceLength;
            this.randomStart = b.randomStart;
        }

        /** {@value WeightedRoundRobin#DEFAULT_MAX_SEQUENCE_LENGTH} entries, random start. */
        public static Config ofDefaults() {
            return DEFAULTS;
        }

        /** A builder starting from the defaults. */
        public static Builder custom() {
            return new Builder();
        }

        /** Bound on the cycle length before the floor of one slot per endpoint; see the class comment. */
        public int maxSequenceLength() {
            return maxSequenceLength;
        }

        /** Whether the position starts at a random value (true) or at 0 like nginx (false). */
        public boolean randomStart() {
            return randomStart;
        }

        @Override
        public String toString() {
            return "[maxSequenceLength=" + maxSequenceLength + ", randomStart=" + randomStart + "]";
        }

        /** Builds a {@link Config}. Not thread-safe. */
        public static final class Builder {
            private int maxSequenceLength = DEFAULT_MAX_SEQUENCE_LENGTH;
            private boolean randomStart = true;

            private Builder() {
            }

            /**
             * @param maxSequenceLength {@value WeightedRoundRobin#MIN_MAX_SEQUENCE_LENGTH} to {@value WeightedRoundRobin#MAX_MAX_SEQUENCE_LENGTH}
             *                          entries; default {@value WeightedRoundRobin#DEFAULT_MAX_SEQUENCE_LENGTH}
             * @throws IllegalArgumentException if out of range
             */
            public Builder maxSequenceLength(int maxSequenceLength) {
                if (maxSequenceLength < MIN_MAX_SEQUENCE_LENGTH || maxSequenceLength > MAX_MAX_SEQUENCE_LENGTH) {
                    throw new IllegalArgumentException("maxSequenceLength must be in [" + MIN_MAX_SEQUENCE_LENGTH
                            + ", " + MAX_MAX_SEQUENCE_LENGTH + "] entries, was " + maxSequenceLength);
                }
                this.maxSequenceLength = maxSequenceLength;
                return this;
            }

            /** Default true; false starts at position 0, as nginx does. */
            public Builder randomStart(boolean randomStart) {
                this.randomStart = randomStart;
                return this;
            }

            /** The immutable settings. */
            public Config build() {
                return new Config(this);
            }
        }
    }
}
