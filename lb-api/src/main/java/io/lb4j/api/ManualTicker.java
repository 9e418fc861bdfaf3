package io.lb4j.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told to: for deterministic tests of every time-driven
 * behaviour (fail_timeout, slow start, EWMA decay, probe intervals) without sleeping.
 *
 * <p>Thread-safe.
 */
public final class ManualTicker implements Ticker {
    /** The largest single step: 100 years, far from the 292 years a nanosecond {@code long} holds. */
    public static final Duration MAX_STEP = Duration.ofDays(36_500);

    private final AtomicLong nanos;

    /** Starts at an arbitrary non-zero reading, as a real {@code nanoTime} would. */
    public ManualTicker() {
        this(1_000_000_000L);
    }

    /** A ticker that starts at {@code startNanos}. */
    public ManualTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long read() {
        return nanos.get();
    }

    /**
     * Moves time forward.
     *
     * @param duration a non-negative amount of time
     * @return this ticker
     */
    public ManualTicker advance(Duration duration) {
        Checks.notNull("duration", duration);
        if (duration.isNegative() || duration.compareTo(MAX_STEP) > 0) {
            throw new IllegalArgumentException("duration must be in [0, " + MAX_STEP + "], was " + duration);
        }
        nanos.addAndGet(duration.toNanos());
        return this;
    }

    /** Moves time forward by {@code millis} milliseconds (non-negative). */
    public ManualTicker advanceMillis(long millis) {
        if (millis < 0 || millis > MAX_STEP.toMillis()) {
            throw new IllegalArgumentException("millis must be in [0, " + MAX_STEP.toMillis() + "], was " + millis);
        }
        nanos.addAndGet(millis * 1_000_000L);
        return this;
    }

    @Override
    public String toString() {
        return "ManualTicker[" + nanos.get() + "ns]";
    }
}
