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
 * <tr><td>{@link #budget()}</td><td>{@link #DEFAULT_BUDGET}: 5% of the requests of the last 2 s, no reserve</td><td>any {@link RetryBudgetConfig}</td></tr>
 * <tr><td>{@link #loserDrainTimeout()}</td><td>{@link #DEFAULT_LOSER_DRAIN_TIMEOUT}</td><td>0 (cancel losers at once) to 1 hour</td></tr>
 * </table>
 *
 * <p>The hedge budget is a budget of its own per route, <em>alongside</em> the pool's retry and requeue
 * budgets, not shared with them: hedges add at most {@code budget.percentCanRetry} of the hedgeable requests
 * (plus the reserve), whatever retries do, so a fleet-wide slowdown that delays every request cannot
 * double the traffic.
 *
 * <p><b>The default budget's window is 2 s</b>, not the retry budget's 10 s. Hedges come in bursts: when a
 * server stalls (a GC pause, a few slow requests holding its workers) every request queued on it crosses the
 * hedge delay at once. With a 10 s window a burst may spend 10 s worth of credit within a few hundred
 * milliseconds, and the burst's hedges land on the other servers at the worst
 * moment, after which the budget stays empty for seconds while the slow requests that need a hedge most keep
 * arriving (in the tail simulation this halves hedging's effect on p99.9; a budget of 10% over 10 s did worse
 * than 5%). A 2 s window spreads the same 5% evenly. The price: a route needs at least 10 requests per second
 * (1 / (5% × 2 s)) before a hedge token is ever earned; for slower routes set a {@link #budget()} with a longer
 * {@code ttl} or a {@code minRetriesPerSecond} reserve.
 *
 * <p><b>The losing try</b> is not cancelled by default but left to finish in the background, its lease held
 * in flight until its response arrives (its body is then discarded) or it fails, and only then
 * {@linkplain io.lb4j.api.Lease#drop() dropped} (never counted as a failure); a loser still running after
 * {@link #loserDrainTimeout()} is cancelled and dropped then. The reason: cancelling an HTTP/1.1 call only
 * closes the client's socket, and most servers notice that only when they write the answer, so the server
 * stays busy with the abandoned request; a lease dropped at once would make that server look idle, and
 * in-flight-aware strategies (least-request, peak EWMA) would send it new requests behind the abandoned one
 * (in the tail simulation that halves hedging's effect on p99.9, see benchmarks/README). Draining costs no extra request (it is the
 * hedge budget's request already sent) and keeps the connection for reuse, since OkHttp closes a cancelled
 * HTTP/1.1 connection. Where the server stops work on a cancelled request (an HTTP/2 or gRPC server that
 * honours the stream reset), {@link Builder#cancelLosers()} cancels losers at once instead.
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
    /** Default window of the hedge budget: 2 s (see the class comment). */
    public static final Duration DEFAULT_BUDGET_TTL = Duration.ofSeconds(2);
    /** Default hedge budget: hedges add at most 5% of the requests of the last 2 s, with no reserve. */
    public static final RetryBudgetConfig DEFAULT_BUDGET = RetryBudgetConfig.custom().percentCanRetry(0.05)
            .minRetriesPerSecond(0).ttl(DEFAULT_BUDGET_TTL).build();
    /**
     * Default longest time a losing try is left to finish, its lease in flight, before it is cancelled: 10 s
     * (OkHttp's default read timeout).
     */
    public static final Duration DEFAULT_LOSER_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX = Duration.ofHours(1);

    private final double percentile;
    private final Duration delay;
    private final Duration minDelay;
    private final Duration initialDelay;
    private final Duration window;
    private final RetryBudgetConfig budget;
    private final Duration loserDrainTimeout;

    private HedgingConfig(Builder b) {
        this.percentile = b.percentile;
        this.delay = b.delay;
        this.minDelay = b.minDelay;
        this.initialDelay = b.initialDelay;
        this.window = b.window;
        this.budget = b.budget;
        this.loserDrainTimeout = b.loserDrainTimeout;
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

    /**
     * How long a losing try is left to finish, its lease held in flight, before it is cancelled and dropped;
     * {@link Duration#ZERO} when losers are cancelled at once ({@link Builder#cancelLosers()}).
     */
    public Duration loserDrainTimeout() {
        return loserDrainTimeout;
    }

    @Override
    public String toString() {
        return "HedgingConfig[" + (delay != null ? "delay=" + delay : "p" + percentile + ", minDelay=" + minDelay
                + ", initialDelay=" + initialDelay + ", window=" + window) + ", budget=" + budget
                + ", loserDrainTimeout=" + loserDrainTimeout + "]";
    }

    /** Builds a {@link HedgingConfig}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private double percentile = DEFAULT_PERCENTILE;
        private Duration delay;
        private Duration minDelay = DEFAULT_MIN_DELAY;
        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private Duration window = DEFAULT_WINDOW;
        private RetryBudgetConfig budget = DEFAULT_BUDGET;
        private Duration loserDrainTimeout = DEFAULT_LOSER_DRAIN_TIMEOUT;

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

        /**
         * How long a losing try is left to finish, its lease held in flight, before it is cancelled and
         * dropped, 0 to 1 hour; 0 cancels losers at once. Default {@link HedgingConfig#DEFAULT_LOSER_DRAIN_TIMEOUT}.
         */
        public Builder loserDrainTimeout(Duration timeout) {
            this.loserDrainTimeout = Checks.inRange("loserDrainTimeout", timeout, Duration.ZERO, MAX);
            return this;
        }

        /**
         * Cancels a losing try at once and drops its lease ({@code loserDrainTimeout(Duration.ZERO)}): for servers
         * that stop working on a cancelled request (HTTP/2 or gRPC servers honouring the stream reset).
         */
        public Builder cancelLosers() {
            return loserDrainTimeout(Duration.ZERO);
        }

        /** The immutable settings. */
        public HedgingConfig build() {
            return new HedgingConfig(this);
        }
    }
}
