package io.lb4j.algorithms;

import java.time.Duration;

/**
 * Immutable settings of {@link ReportedLoadRoundRobin}, with gRFC A58's names and defaults
 * ({@code WeightedRoundRobinLbConfig}).
 *
 * <pre>{@code
 * Strategy s = new ReportedLoadRoundRobin(ReportedLoadConfig.custom().blackoutPeriod(Duration.ofSeconds(5)).build(),
 *         pool.ticker(), Randoms.threadLocal());
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 */
public final class ReportedLoadConfig {
    /** A58 {@code blackout_period}: a server's weight is ignored until it has reported for this long; 10 s. */
    public static final Duration DEFAULT_BLACKOUT_PERIOD = Duration.ofSeconds(10);
    /** A58 {@code weight_expiration_period}: a weight older than this is dropped; 3 minutes. */
    public static final Duration DEFAULT_WEIGHT_EXPIRATION_PERIOD = Duration.ofMinutes(3);
    /** A58 {@code weight_update_period}: weights are recomputed this often; 1 s. */
    public static final Duration DEFAULT_WEIGHT_UPDATE_PERIOD = Duration.ofSeconds(1);
    /** Shortest weight update period: 100 ms, A58's floor. */
    public static final Duration MIN_WEIGHT_UPDATE_PERIOD = Duration.ofMillis(100);
    /** Longest duration accepted for any period: 1 day. */
    public static final Duration MAX_PERIOD = Duration.ofDays(1);
    /** A58 {@code error_utilization_penalty}: 1.0. */
    public static final double DEFAULT_ERROR_UTILIZATION_PENALTY = 1.0;
    /** Largest error utilization penalty accepted. */
    public static final double MAX_ERROR_UTILIZATION_PENALTY = 1000;

    private static final ReportedLoadConfig DEFAULTS = custom().build();

    private final Duration blackoutPeriod;
    private final Duration weightExpirationPeriod;
    private final Duration weightUpdatePeriod;
    private final double errorUtilizationPenalty;

    private ReportedLoadConfig(Builder b) {
        this.blackoutPeriod = b.blackoutPeriod;
        this.weightExpirationPeriod = b.weightExpirationPeriod;
        this.weightUpdatePeriod = b.weightUpdatePeriod;
        this.errorUtilizationPenalty = b.errorUtilizationPenalty;
    }

    /** A58's defaults: blackout 10 s, expiration 3 min, update period 1 s, error penalty 1.0. */
    public static ReportedLoadConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** How long a server must report before its weight is used (A58 {@code blackout_period}). */
    public Duration blackoutPeriod() {
        return blackoutPeriod;
    }

    /** After this long without a report a server falls back to the mean weight (A58 {@code weight_expiration_period}). */
    public Duration weightExpirationPeriod() {
        return weightExpirationPeriod;
    }

    /** How often the schedule is rebuilt from the latest reports (A58 {@code weight_update_period}). */
    public Duration weightUpdatePeriod() {
        return weightUpdatePeriod;
    }

    /** The weight of errors per query in the utilization (A58 {@code error_utilization_penalty}). */
    public double errorUtilizationPenalty() {
        return errorUtilizationPenalty;
    }

    @Override
    public String toString() {
        return "ReportedLoadConfig[blackoutPeriod=" + blackoutPeriod + ", weightExpirationPeriod=" + weightExpirationPeriod
                + ", weightUpdatePeriod=" + weightUpdatePeriod + ", errorUtilizationPenalty=" + errorUtilizationPenalty + "]";
    }

    /** Builds a {@link ReportedLoadConfig}. Not thread-safe. */
    public static final class Builder {
        private Duration blackoutPeriod = DEFAULT_BLACKOUT_PERIOD;
        private Duration weightExpirationPeriod = DEFAULT_WEIGHT_EXPIRATION_PERIOD;
        private Duration weightUpdatePeriod = DEFAULT_WEIGHT_UPDATE_PERIOD;
        private double errorUtilizationPenalty = DEFAULT_ERROR_UTILIZATION_PENALTY;

        private Builder() {
        }

        /** In [0, 1 day]; 0 turns the blackout off. Default {@link ReportedLoadConfig#DEFAULT_BLACKOUT_PERIOD}. */
        public Builder blackoutPeriod(Duration period) {
            this.blackoutPeriod = check("blackoutPeriod", period, Duration.ZERO);
            return this;
        }

        /** In (0, 1 day]. Default {@link ReportedLoadConfig#DEFAULT_WEIGHT_EXPIRATION_PERIOD}. */
        public Builder weightExpirationPeriod(Duration period) {
            this.weightExpirationPeriod = check("weightExpirationPeriod", period, Duration.ofNanos(1));
            return this;
        }

        /** In [100 ms, 1 day]. Default {@link ReportedLoadConfig#DEFAULT_WEIGHT_UPDATE_PERIOD}. */
        public Builder weightUpdatePeriod(Duration period) {
            this.weightUpdatePeriod = check("weightUpdatePeriod", period, MIN_WEIGHT_UPDATE_PERIOD);
            return this;
        }

        /** Finite, in [0, 1000]; 0 ignores errors. Default {@link ReportedLoadConfig#DEFAULT_ERROR_UTILIZATION_PENALTY}. */
        public Builder errorUtilizationPenalty(double penalty) {
            if (!(penalty >= 0 && penalty <= MAX_ERROR_UTILIZATION_PENALTY)) {
                throw new IllegalArgumentException("errorUtilizationPenalty must be a finite number in [0, "
                        + MAX_ERROR_UTILIZATION_PENALTY + "], was " + penalty);
            }
            this.errorUtilizationPenalty = penalty;
            return this;
        }

        private static Duration check(String field, Duration value, Duration min) {
            EndpointArrays.notNull(field, value);
            if (value.compareTo(min) < 0 || value.compareTo(MAX_PERIOD) > 0) {
                throw new IllegalArgumentException(field + " must be in [" + min + ", " + MAX_PERIOD + "], was " + value);
            }
            return value;
        }

        /** The immutable settings. */
        public ReportedLoadConfig build() {
            return new ReportedLoadConfig(this);
        }
    }
}
