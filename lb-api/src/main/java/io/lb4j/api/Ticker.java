package io.lb4j.api;

/**
 * A source of nanosecond time, as {@link System#nanoTime()}: only differences between two readings are
 * meaningful. Injected everywhere lb4j measures time so that tests drive it by hand
 * ({@link ManualTicker}) and never sleep.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

    /** @return the current reading in nanoseconds */
    long read();

    /** @return the ticker backed by {@link System#nanoTime()} */
    static Ticker system() {
        return System::nanoTime;
    }
}
