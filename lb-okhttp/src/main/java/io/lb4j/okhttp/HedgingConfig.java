package io.lb4j.okhttp;

import java.time.Duration;

/**
 * Settings of hedged requests on a route ({@link RouteOptions.Builder#hedging(HedgingConfig)}), as Finagle's
 * {@code BackupRequestFilter}: when an idempotent, replayable request has not answered after the hedge
 * delay, the same request is sent to a different server of the pool and the first response wins.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>setting</th><th>default</th><th>range</th></tr>
 * <tr><td>{@link #percentile()}</td><td>{@value #DEFAULT_PERCENTILE}</td><td>(0, 100), or a fixed {@link #delay()}</td></tr>
 * <tr><td>{@link #delay()}</td><td>none (percentile)</td><td>1 ms to 1 hour</td></tr>
 * <tr><td>{@link #minDelay()}</td><td>{@link #DEFAULT_MIN_DELAY} (floor of the percentile)</td><td>0 to 1 hour</td></tr>
 * <tr><td>{@link #initialDelay()}</td><td>{@link #DEFAULT_INITIAL_DELAY}, while fewer than {@value #MIN_SAMPLES} latencies are known</td><td>1 ms to 1 hour</td></tr>
 * <tr><td>{@link #window()}</td><td>{@link #DEFAULT_WINDOW}</td><td>1 s to 1 hour</td></tr>
 * <tr><td>{@link #budget()}</td><td>{@link #DEFAULT_BUDGET}: 5% of requests, no reserve</td><td>any {@link RetryBudgetConfig}</td></tr>
 * </table>
 *
 * <p>The hedge budget is a budget of its own per route, <em>alongside</em> the pool's retry and requeue
 * budgets, not shared with them: hedges add at most {@code budget.percentCanRetry} of the hedgeable requests
 * (plus the reserve), whatever retries do, so a fleet-wide slowdown that delays every request cannot
 * double the traffic.
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 */
public final class HedgingConfig {
    /**
     * Default percentile of recent latency after which a hedge is sent: 95, which pairs with the 5% budget
     * (Finagle's {@code BackupRequestFilter} derives its percentile from its {@code maxExtraLoad} the same way).
     */
    public static final double DEFAULT_PERCENTILE = 95;
    /** Default floor of the percentile delay: 1 ms. */
    public static final Duration DEFAULT_MIN_DELAY = Duration.ofMillis(1);
    /** Default delay while too few latencies are known: 1 s. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
    /** Default latency window: 30 s, Finagle's. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
    /** Latencies needed before the percentile is used. */
    public static final int MIN_SAMPLES = 100;
    /** Default hedge budget: hedges add at most 5% of the requests, with no reserve. */
    public static final RetryBudgetConfig DEFAULT_BUDGET = RetryBudgetConfig.custom().percentCanRetry(0.05)
            .minRetriesPerSecond(0).build();
    private static final Duration MAX = Duration.ofHours(1);

    private final double percentile;
    private final Duration delay;
    private final Duration minDelay;
    private final Duration initialDelay;
    private final Duration window;
    private final RetryBudgetConfig budget;

    private HedgingConfig(Builder b) {
        this.percentile = b.percentile;
        this.delay = b.delay;
        this.minDelay = b.minDelay;
        this.initialDelay = b.initialDelay;
        this.window = b.window;
        this.budget = b.budget;
    }

    /** Hedging after the 95th percentile of recent latency, within a 5% budget. */
    public static HedgingConfig ofDefaults() {
        return custom().build();
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** The percentile of recent latency after which to hedge; unused when {@link #delay()} is set. */
    public double percentile() {
        return percentile;
    }

    /** The fixed hedge delay, or null when the delay follows {@link #percentile()}. */
    public Duration delay() {
        return delay;
    }

    /** The shortest hedge delay, whatever the percentile says. */
    public Duration minDelay() {
        return minDelay;
    }

    /** The hedge delay until the latency window has enough samples. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** How far back the latency percentile looks. */
    public Duration window() {
        return window;
    }

    /** The extra-load budget hedges spend from. */
    public RetryBudgetConfig budget() {
        return budget;
    }

    @Override
    public String toString() {
        return "HedgingConfig[" + (delay != null ? "delay=" + delay : "p" + percentile + ", minDelay=" + minDelay
                + ", initialDelay=" + initialDelay + ", window=" + window) + ", budget=" + budget + "]";
    }

    /** Builds a {@link HedgingConfig}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private double percentile = DEFAULT_PERCENTILE;
        private Duration delay;
        private Duration minDelay = DEFAULT_MIN_DELAY;
        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private Duration window = DEFAULT_WINDOW;
        private RetryBudgetConfig budget = DEFAULT_BUDGET;

        private Builder() {
        }

        /** Hedge after this percentile of recent latency, in (0, 100) exclusive; clears a fixed delay. */
        public Builder percentile(double percentile) {
            if (!(percentile > 0 && percentile < 100)) {
                throw new IllegalArgumentException("percentile must be in (0, 100) exclusive, was " + percentile);
            }
            this.percentile = percentile;
            this.delay = null;
            return this;
        }

        /** Hedge after this fixed delay, 1 ms to 1 hour, instead of a percentile. */
        public Builder delay(Duration delay) {
            this.delay = Checks.inRange("delay", delay, Duration.ofMillis(1), MAX);
            return this;
        }

        /** The smallest percentile delay, 0 to 1 hour. */
        public Builder minDelay(Duration minDelay) {
            this.minDelay = Checks.inRange("minDelay", minDelay, Duration.ZERO, MAX);
            return this;
        }

        /** The delay while fewer than {@value HedgingConfig#MIN_SAMPLES} latencies are known, 1 ms to 1 hour. */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = Checks.inRange("initialDelay", initialDelay, Duration.ofMillis(1), MAX);
            return this;
        }

        /** The window of latencies the percentile is computed over, 1 s to 1 hour. */
        public Builder window(Duration window) {
            this.window = Checks.inRange("window", window, Duration.ofSeconds(1), MAX);
            return this;
        }

        /** The hedge budget (per route, alongside the retry budget). */
        public Builder budget(RetryBudgetConfig budget) {
            this.budget = Checks.notNull("budget", budget);
            return this;
        }

        /** The immutable settings. */
        public HedgingConfig build() {
            return new HedgingConfig(this);
        }
    }
}
