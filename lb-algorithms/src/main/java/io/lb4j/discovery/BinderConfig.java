package io.lb4j.discovery;

import java.time.Duration;

/**
 * The safety settings of a {@link PoolBinder}.
 *
 * <p>Immutable and thread-safe. Build with {@link #custom()} or take {@link #ofDefaults()}.
 */
public final class BinderConfig {
    /** Largest share of the pool's servers one list may remove without confirmation: 0.5 (50%). */
    public static final double DEFAULT_MAX_REMOVAL_SHARE = 0.5;
    /** Shortest time between two updates of the pool: 1 second. Lists arriving faster are coalesced. */
    public static final Duration DEFAULT_MIN_UPDATE_INTERVAL = Duration.ofSeconds(1);
    /**
     * How long a list waits before it is applied: 250 milliseconds. A registry client that deletes and
     * re-creates its node (Curator re-registers that way after a reconnection) then causes no flap.
     */
    public static final Duration DEFAULT_SETTLE_DELAY = Duration.ofMillis(250);
    /** Longest accepted {@link Builder#settleDelay(Duration)}: 1 minute. */
    public static final Duration MAX_SETTLE_DELAY = Duration.ofMinutes(1);
    /** Longest accepted {@link Builder#minUpdateInterval(Duration)}: 1 hour. */
    public static final Duration MAX_MIN_UPDATE_INTERVAL = Duration.ofHours(1);

    private static final BinderConfig DEFAULTS = custom().build();

    private final double maxRemovalShare;
    private final Duration minUpdateInterval;
    private final Duration settleDelay;

    private BinderConfig(Builder b) {
        this.maxRemovalShare = b.maxRemovalShare;
        this.minUpdateInterval = b.minUpdateInterval;
        this.settleDelay = b.settleDelay;
    }

    /** The defaults: hold removals of more than 50%, lists settle 250 ms, at most one update per second. */
    public static BinderConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** Share (0 exclusive to 1 inclusive) of the pool's servers one list may remove without confirmation. */
    public double maxRemovalShare() {
        return maxRemovalShare;
    }

    /** Shortest time between two pool updates; zero still coalesces lists that arrive while one is queued. */
    public Duration minUpdateInterval() {
        return minUpdateInterval;
    }

    /** How long a list waits before it is applied (the very first list of a binder does not wait). */
    public Duration settleDelay() {
        return settleDelay;
    }

    @Override
    public String toString() {
        return "BinderConfig[maxRemovalShare=" + maxRemovalShare + ", minUpdateInterval=" + minUpdateInterval
                + ", settleDelay=" + settleDelay + "]";
    }

    /** Builds a {@link BinderConfig}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private double maxRemovalShare = DEFAULT_MAX_REMOVAL_SHARE;
        private Duration minUpdateInterval = DEFAULT_MIN_UPDATE_INTERVAL;
        private Duration settleDelay = DEFAULT_SETTLE_DELAY;

        private Builder() {
        }

        /** @param delay 0 to {@link #MAX_SETTLE_DELAY} */
        public Builder settleDelay(Duration delay) {
            if (delay == null) {
                throw new IllegalArgumentException("settleDelay must not be null");
            }
            if (delay.isNegative() || delay.compareTo(MAX_SETTLE_DELAY) > 0) {
                throw new IllegalArgumentException("settleDelay must be in [0, " + MAX_SETTLE_DELAY + "], was " + delay);
            }
            this.settleDelay = delay;
            return this;
        }

        /**
         * @param share greater than 0 and at most 1; 1 never holds a removal (an empty list is still
         *              refused while the pool has healthy servers)
         */
        public Builder maxRemovalShare(double share) {
            if (!(share > 0.0 && share <= 1.0)) {
                throw new IllegalArgumentException("maxRemovalShare must be in (0, 1], was " + share);
            }
            this.maxRemovalShare = share;
            return this;
        }

        /** @param interval 0 to {@link #MAX_MIN_UPDATE_INTERVAL} */
        public Builder minUpdateInterval(Duration interval) {
            if (interval == null) {
                throw new IllegalArgumentException("minUpdateInterval must not be null");
            }
            if (interval.isNegative() || interval.compareTo(MAX_MIN_UPDATE_INTERVAL) > 0) {
                throw new IllegalArgumentException("minUpdateInterval must be in [0, " + MAX_MIN_UPDATE_INTERVAL + "], was " + interval);
            }
            this.minUpdateInterval = interval;
            return this;
        }

        /** The immutable settings. */
        public BinderConfig build() {
            return new BinderConfig(this);
        }
    }
}
