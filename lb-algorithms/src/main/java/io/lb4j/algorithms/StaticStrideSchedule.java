package io.lb4j.algorithms;


/**
 * gRPC's static stride scheduler (gRFC A58, {@code StaticStrideScheduler} in gRPC C++, Java and Go): an
 * earliest-deadline-first order in which each endpoint's deadline is the inverse of its weight, computed
 * by modular arithmetic on one shared sequence number instead of a priority queue. Weights are scaled so
 * that the largest is {@value #MAX_WEIGHT}, after clamping every weight to [0.1, 10] × the mean, so a pick
 * skips at most about {@value #MAX_RATIO} sequence numbers on average, whatever the weights.
 *
 * <p>With the sequence {@code s}, endpoint {@code i = s mod n} of generation {@code g = s / n} is chosen
 * when {@code (w[i] × g + offset(i)) mod MAX_WEIGHT >= MAX_WEIGHT − w[i]}, where {@code offset(i) =
 * MAX_WEIGHT / 2 × i} spreads the skipped numbers over the endpoints; otherwise the next sequence number
 * is tried. Over {@code n × MAX_WEIGHT} sequence numbers each endpoint is chosen exactly {@code w[i]} times.
 *
 * <p>Built in O(n); a pick is a bounded loop of a {@code getAndIncrement} and a few multiplications,
 * allocation-free. Immutable apart from the shared sequence; thread-safe.
 */
final class StaticStrideSchedule {
    static final int MAX_WEIGHT = 0xFFFF;
    static final double MAX_RATIO = 10;
    static final double MIN_RATIO = 0.1;

    private final short[] scaled;
    private final Sequence sequence;

    /**
     * @param weights  one weight per endpoint, each finite and &gt; 0 (the caller fills missing weights)
     * @param sequence the sequence shared across schedules, so a rebuild continues the rotation
     */
    StaticStrideSchedule(double[] weights, Sequence sequence) {
        this.sequence = sequence;
        double sum = 0;
        double max = 0;
        for (double w : weights) {
            sum += w;
            max = Math.max(max, w);
        }
        double mean = sum / weights.length;
        max = Math.min(max, MAX_RATIO * mean);
        double scale = MAX_WEIGHT / max;
        int lowerBound = Math.max(1, (int) Math.ceil(scale * mean * MIN_RATIO));
        short[] s = new short[weights.length];
        for (int i = 0; i < s.length; i++) {
            int w = (int) Math.round(scale * Math.min(weights[i], max));
            s[i] = (short) Math.min(MAX_WEIGHT, Math.max(w, lowerBound));
        }
        this.scaled = s;
    }

    /** The scaled weight of endpoint {@code i}, in [1, {@value #MAX_WEIGHT}]; for tests and toString. */
    int scaledWeight(int i) {
        return Short.toUnsignedInt(scaled[i]);
    }

    int size() {
        return scaled.length;
    }

    /** The index of the next endpoint. */
    int pick() {
        while (true) {
            int i = chosen((int) sequence.getAndIncrement());
            if (i >= 0) {
                return i;
            }
        }
    }

    /**
     * The endpoint sequence number {@code rawSequence} (taken from the shared sequence, read as unsigned)
     * chooses, or -1 when it is one of the skipped numbers and the caller must take the next one.
     */
    int chosen(int rawSequence) {
        long s = Integer.toUnsignedLong(rawSequence);
        int n = scaled.length;
        int i = (int) (s % n);
        long generation = s / n;
        int w = Short.toUnsignedInt(scaled[i]);
        long offset = (long) (MAX_WEIGHT / 2) * i;
        return (w * generation + offset) % MAX_WEIGHT >= MAX_WEIGHT - w ? i : -1;
    }
}
