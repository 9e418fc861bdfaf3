package io.lb4j.okhttp;

import java.time.Duration;

/**
 * The settings of a {@link RetryBudget}, Finagle's {@code RetryBudget(ttl, minRetriesPerSec,
 * percentCanRetry)} and gRPC's retry throttling: retries may add at most {@link #percentCanRetry()} of
 * the requests made over the last {@link #ttl()}, plus {@link #minRetriesPerSecond()} so that a client
 * with little traffic can still retry.
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>setting</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>{@link #percentCanRetry()}</td><td>{@value #DEFAULT_PERCENT_CAN_RETRY} (20% of requests)</td><td>0 to 10</td></tr>
 *   <tr><td>{@link #minRetriesPerSecond()}</td><td>{@value #DEFAULT_MIN_RETRIES_PER_SECOND} per second</td><td>0 to 1,000,000</td></tr>
 *   <tr><td>{@link #ttl()}</td><td>10 s</td><td>1 s to 60 s</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. Build with {@link #custom()} or take {@link #ofDefaults()}.
 */
public final class RetryBudgetConfig {
    /** Retries may add 20% to the request rate (Finagle's default). */
    public static final double DEFAULT_PERCENT_CAN_RETRY = 0.2;
    /** At least 10 retries per second are always allowed (Finagle's default). */
    public static final int DEFAULT_MIN_RETRIES_PER_SECOND = 10;
    /** Credits and debits count for 10 seconds (Finagle's default). */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
    /** Largest {@link #percentCanRetry()}: ten retries per request. */
    public static final double MAX_PERCENT_CAN_RETRY = 10.0;
    /** Largest {@link #minRetriesPerSecond()}. */
    public static final int MAX_MIN_RETRIES_PER_SECOND = 1_000_000;

    private static final RetryBudgetConfig DEFAULTS = custom().build();

    private final double percentCanRetry;
    private final int minRetriesPerSecond;
    private final Duration ttl;

    private RetryBudgetConfig(Builder b) {
        this.percentCanRetry = b.percentCanRetry;
        this.minRetriesPerSecond = b.minRetriesPerSecond;
        this.ttl = b.ttl;
    }

    /** The defaults. */
    public static RetryBudgetConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** The share of the request rate retries may add; 0.2 means 20%. */
    public double percentCanRetry() {
        return percentCanRetry;
    }

    /** Retries per second allowed whatever the request rate (the reserve). */
    public int minRetriesPerSecond() {
        return minRetriesPerSecond;
    }

    /** How long a request's credit and a retry's debit count. */
    public Duration ttl() {
        return ttl;
    }

    @Override
    public String toString() {
        return "RetryBudgetConfig[percentCanRetry=" + percentCanRetry + ", minRetriesPerSecond=" + minRetriesPerSecond
                + ", ttl=" + ttl + "]";
    }

    /** Builds a {@link RetryBudgetConfig}; each setter validates at once and names the property. Not thread-safe. */
    public static final class Builder {
        private double percentCanRetry = DEFAULT_PERCENT_CAN_RETRY;
        private int minRetriesPerSecond = DEFAULT_MIN_RETRIES_PER_SECOND;
        private Duration ttl = DEFAULT_TTL;

        private Builder() {
        }

        /** 0 to {@value RetryBudgetConfig#MAX_PERCENT_CAN_RETRY}: the share of the request rate retries may add (0.2 = 20%). */
        public Builder percentCanRetry(double percent) {
            this.percentCanRetry = Checks.inRange("percentCanRetry", percent, 0.0, MAX_PERCENT_CAN_RETRY);
            return this;
        }

        /** 0 to {@value RetryBudgetConfig#MAX_MIN_RETRIES_PER_SECOND}: retries per second allowed whatever the request rate. */
        public Builder minRetriesPerSecond(int retries) {
            this.minRetriesPerSecond = Checks.inRange("minRetriesPerSecond", retries, 0, MAX_MIN_RETRIES_PER_SECOND);
            return this;
        }

        /** 1 s to 60 s: how long a request's credit and a retry's debit count. */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.inRange("ttl", ttl, Duration.ofSeconds(1), Duration.ofSeconds(60));
            return this;
        }

        /** The immutable settings. */
        public RetryBudgetConfig build() {
            return new RetryBudgetConfig(this);
        }
    }
}
