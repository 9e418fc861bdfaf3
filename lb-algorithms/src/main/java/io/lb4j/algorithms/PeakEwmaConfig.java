package io.lb4j.algorithms;

import java.time.Duration;

/**
 * Immutable settings of {@link PeakEwma}.
 *
 * <pre>{@code
 * PeakEwmaConfig config = PeakEwmaConfig.custom().initialLatency(Duration.ofMillis(50)).build();
 * Strategy strategy = new PeakEwma(config);
 * }</pre>
 *
 * <p>The peak-EWMA itself (its decay time) is kept by the pool per endpoint, so it is a pool setting,
 * not one of these.
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 */
public final class PeakEwmaConfig {
    /**
     * Default latency assumed for an endpoint that has no latency sample yet: 30 ms, Linkerd's default
     * RTT estimate. Lower makes new servers attractive (they are probed quickly), higher keeps them out
     * until another server is slower.
     */
    public static final Duration DEFAULT_INITIAL_LATENCY = Duration.ofMillis(30);
    /** Largest initial latency accepted: 1 hour. */
    public static final Duration MAX_INITIAL_LATENCY = Duration.ofHours(1);

    private static final PeakEwmaConfig DEFAULTS = custom().build();

    private final Duration initialLatency;

    private PeakEwmaConfig(Builder b) {
        this.initialLatency = b.initialLatency;
    }

    /** The defaults: initial latency 30 ms. */
    public static PeakEwmaConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** The latency assumed for an endpoint without a latency sample. */
    public Duration initialLatency() {
        return initialLatency;
    }

    @Override
    public String toString() {
        return "PeakEwmaConfig[initialLatency=" + initialLatency + "]";
    }

    /** Builds a {@link PeakEwmaConfig}. Not thread-safe. */
    public static final class Builder {
        private Duration initialLatency = DEFAULT_INITIAL_LATENCY;

        private Builder() {
        }

        /**
         * Latency assumed for an endpoint without a sample, in (0, {@link PeakEwmaConfig#MAX_INITIAL_LATENCY}];
         * default {@link PeakEwmaConfig#DEFAULT_INITIAL_LATENCY}.
         */
        public Builder initialLatency(Duration latency) {
            EndpointArrays.notNull("initialLatency", latency);
            if (latency.isNegative() || latency.isZero() || latency.compareTo(MAX_INITIAL_LATENCY) > 0) {
                throw new IllegalArgumentException("initialLatency must be in (0, " + MAX_INITIAL_LATENCY
                        + "], was " + latency);
            }
            this.initialLatency = latency;
            return this;
        }

        /** The immutable settings. */
        public PeakEwmaConfig build() {
            return new PeakEwmaConfig(this);
        }
    }
}
