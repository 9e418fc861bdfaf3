package io.lb4j.pool;

/**
 * The slow-start ramp (nginx {@code slow_start}, Envoy's slow start): a server that joins or recovers
 * starts at {@code minWeightPercent} of its weight and grows to the full weight over {@code window},
 * as {@code weight × max(min%, (elapsed / window)^(1 / aggression))}. The pool republishes in
 * {@value #STEPS} steps across the window, so a ramp costs at most {@value #STEPS} rebuilds.
 *
 * <p>Immutable and thread-safe; pure functions of their arguments.
 */
final class SlowStart {
    /** Number of republishes across one window. */
    static final int STEPS = 20;
    /** Never step more often than once a millisecond. */
    private static final long MIN_STEP_NANOS = 1_000_000L;

    private final double minFraction;
    private final double exponent;

    SlowStart(int minWeightPercent, double aggression) {
        this.minFraction = minWeightPercent / 100.0;
        this.exponent = 1.0 / aggression;
    }

    /**
     * The ramp fraction at {@code elapsed} nanoseconds into a window of {@code window} nanoseconds:
     * in [min%, 1), or exactly 1 once the window is over (or when it is 0).
     */
    double fraction(long elapsed, long window) {
        if (window <= 0 || elapsed >= window) {
            return 1.0;
        }
        double linear = Math.max(0, (double) elapsed / window);
        return Math.max(minFraction, Math.pow(linear, exponent));
    }

    /** When the next republish of a ramp that started at {@code start} is due, after {@code now}. */
    static long nextStep(long start, long window, long now) {
        long step = Math.max(MIN_STEP_NANOS, window / STEPS);
        long next = now + step;
        long end = start + window;
        return next - end > 0 ? end : next;
    }
}
