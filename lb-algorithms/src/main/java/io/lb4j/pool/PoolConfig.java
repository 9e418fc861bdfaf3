package io.lb4j.pool;

import java.time.Duration;

/**
 * A pool's health and traffic-shaping settings. Immutable and thread-safe; build with {@link #custom()}
 * or take {@link #ofDefaults()}.
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>setting</th><th>default</th><th>source</th></tr>
 *   <tr><td>{@link #passiveHealth()}</td><td>{@code max_fails=1 fail_timeout=10s}</td><td>nginx</td></tr>
 *   <tr><td>{@link #activeHealth()}</td><td>none</td><td>HAProxy {@code check inter rise fall}</td></tr>
 *   <tr><td>{@link #maxEjectionPercent()}</td><td>{@value #DEFAULT_MAX_EJECTION_PERCENT}%</td><td>Envoy outlier detection</td></tr>
 *   <tr><td>{@link #panicThresholdPercent()}</td><td>{@value #DEFAULT_PANIC_THRESHOLD_PERCENT}% (off)</td><td>Envoy panic threshold</td></tr>
 *   <tr><td>{@link #slowStart()}</td><td>0 (off)</td><td>nginx {@code slow_start}, Envoy slow start</td></tr>
 *   <tr><td>{@link #slowStartMinWeightPercent()}</td><td>{@value #DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT}%</td><td>Envoy {@code min_weight_percent}</td></tr>
 *   <tr><td>{@link #slowStartAggression()}</td><td>{@value #DEFAULT_SLOW_START_AGGRESSION}</td><td>Envoy {@code aggression}</td></tr>
 *   <tr><td>{@link #latencyDecay()}</td><td>10 s</td><td>Finagle peak EWMA {@code decayTime}</td></tr>
 *   <tr><td>{@link #zoneAwareRouting()}</td><td>off</td><td>Envoy zone-aware routing</td></tr>
 *   <tr><td>{@link #failurePenalty()}</td><td>0 (twice the slowest estimate)</td><td>ingress-nginx / brpc: a failure is charged as a slow call</td></tr>
 * </table>
 */
public final class PoolConfig {
    /** At most this share of the servers may be ejected by health checking at once (at least one always may). */
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;
    /** Panic mode is off by default (nginx and HAProxy have none); Envoy users set 50. */
    public static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 0;
    /** Slow start is off by default. */
    public static final Duration DEFAULT_SLOW_START = Duration.ZERO;
    /** A warming server starts at 10% of its weight (Envoy's default). */
    public static final int DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT = 10;
    /** Linear ramp (Envoy's default aggression 1.0). */
    public static final double DEFAULT_SLOW_START_AGGRESSION = 1.0;
    /** Peak-EWMA decay time: 10 seconds (Finagle's default). */
    public static final Duration DEFAULT_LATENCY_DECAY = Duration.ofSeconds(10);
    /** 0: a failed call is charged twice the slowest latency estimate among the eligible servers. */
    public static final Duration DEFAULT_FAILURE_PENALTY = Duration.ZERO;

    private static final PoolConfig DEFAULTS = custom().build();

    private final PassiveHealth passiveHealth;
    private final ActiveHealth activeHealth;
    private final int maxEjectionPercent;
    private final int panicThresholdPercent;
    private final Duration slowStart;
    private final int slowStartMinWeightPercent;
    private final double slowStartAggression;
    private final Duration latencyDecay;
    private final Duration failurePenalty;
    private final ZoneAwareRouting zoneAwareRouting;

    private PoolConfig(Builder b) {
        this.passiveHealth = b.passiveHealth;
        this.activeHealth = b.activeHealth;
        this.maxEjectionPercent = b.maxEjectionPercent;
        this.panicThresholdPercent = b.panicThresholdPercent;
        this.slowStart = b.slowStart;
        this.slowStartMinWeightPercent = b.slowStartMinWeightPercent;
        this.slowStartAggression = b.slowStartAggression;
        this.latencyDecay = b.latencyDecay;
        this.failurePenalty = b.failurePenalty;
        this.zoneAwareRouting = b.zoneAwareRouting;
    }

    /** The defaults (see the table above). */
    public static PoolConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s settings. */
    public static Builder from(PoolConfig base) {
        Checks.notNull("base", base);
        Builder b = new Builder();
        b.passiveHealth = base.passiveHealth;
        b.activeHealth = base.activeHealth;
        b.maxEjectionPercent = base.maxEjectionPercent;
        b.panicThresholdPercent = base.panicThresholdPercent;
        b.slowStart = base.slowStart;
        b.slowStartMinWeightPercent = base.slowStartMinWeightPercent;
        b.slowStartAggression = base.slowStartAggression;
        b.latencyDecay = base.latencyDecay;
        b.failurePenalty = base.failurePenalty;
        b.zoneAwareRouting = base.zoneAwareRouting;
        return b;
    }

    /** Passive health checking: how outcomes of real calls eject servers. */
    public PassiveHealth passiveHealth() {
        return passiveHealth;
    }

    /** The active health checking, or null when off. */
    public ActiveHealth activeHealth() {
        return activeHealth;
    }

    /** At most this share of the servers is ejected as outliers at once. */
    public int maxEjectionPercent() {
        return maxEjectionPercent;
    }

    /** Below this share of healthy primaries the pool balances over all of them (Envoy panic); 0 is off. */
    public int panicThresholdPercent() {
        return panicThresholdPercent;
    }

    /** How long a new or recovered server ramps up to its weight; zero is off. */
    public Duration slowStart() {
        return slowStart;
    }

    /** The share of its weight a warming server starts at. */
    public int slowStartMinWeightPercent() {
        return slowStartMinWeightPercent;
    }

    /** How the slow-start ramp bends (Envoy {@code aggression}; 1 is linear). */
    public double slowStartAggression() {
        return slowStartAggression;
    }

    /** The decay time of the peak-EWMA latency estimate. */
    public Duration latencyDecay() {
        return latencyDecay;
    }

    /**
     * The latency a failed call is charged at least in the server's latency estimate (peak EWMA), so a
     * server that fails fast never looks fast; 0 means twice the slowest estimate among the eligible servers.
     */
    public Duration failurePenalty() {
        return failurePenalty;
    }

    /** Zone-aware routing (Envoy), or null when off (the default). */
    public ZoneAwareRouting zoneAwareRouting() {
        return zoneAwareRouting;
    }

    @Override
    public String toString() {
        return "PoolConfig[" + passiveHealth + ", active=" + activeHealth + ", maxEjectionPercent=" + maxEjectionPercent
                + ", panicThresholdPercent=" + panicThresholdPercent + ", slowStart=" + slowStart
                + ", slowStartMinWeightPercent=" + slowStartMinWeightPercent + ", slowStartAggression=" + slowStartAggression
                + ", latencyDecay=" + latencyDecay + ", failurePenalty=" + failurePenalty
                + (zoneAwareRouting == null ? "" : ", " + zoneAwareRouting) + "]";
    }

    /** Builds a {@link PoolConfig}; each setter validates at once and names the property. Not thread-safe. */
    public static final class Builder {
        private PassiveHealth passiveHealth = PassiveHealth.ofDefaults();
        private ActiveHealth activeHealth;
        private int maxEjectionPercent = DEFAULT_MAX_EJECTION_PERCENT;
        private int panicThresholdPercent = DEFAULT_PANIC_THRESHOLD_PERCENT;
        private Duration slowStart = DEFAULT_SLOW_START;
        private int slowStartMinWeightPercent = DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT;
        private double slowStartAggression = DEFAULT_SLOW_START_AGGRESSION;
        private Duration latencyDecay = DEFAULT_LATENCY_DECAY;
        private Duration failurePenalty = DEFAULT_FAILURE_PENALTY;
        private ZoneAwareRouting zoneAwareRouting;

        private Builder() {
        }

        /** Passive health checking; default nginx's {@code max_fails=1 fail_timeout=10s}. */
        public Builder passiveHealth(PassiveHealth passiveHealth) {
            this.passiveHealth = Checks.notNull("passiveHealth", passiveHealth);
            return this;
        }

        /** Active health checking; null turns it off. */
        public Builder activeHealth(ActiveHealth activeHealth) {
            this.activeHealth = activeHealth;
            return this;
        }

        /**
         * 0 to 100: the largest share of the primaries in play that passive health may eject as
         * <em>outliers</em> at once (Envoy {@code max_ejection_percent}); at least one when two or more are in
         * play. Servers that cannot be connected to or fail active checks are out regardless; backups never
         * count. 100 is nginx's behaviour (no cap).
         */
        public Builder maxEjectionPercent(int percent) {
            this.maxEjectionPercent = Checks.inRange("maxEjectionPercent", percent, 0, 100);
            return this;
        }

        /**
         * 0 to 100: when fewer than this share of the primary servers is healthy, balance over every primary
         * that is not down or draining, ejected ones included, rather than overload the few (Envoy). 0 is off.
         */
        public Builder panicThresholdPercent(int percent) {
            this.panicThresholdPercent = Checks.inRange("panicThresholdPercent", percent, 0, 100);
            return this;
        }

        /** 0 (off) to 1 hour: the window over which a joining or recovering server ramps to its full weight. */
        public Builder slowStart(Duration window) {
            Checks.nonNegative("slowStart", window);
            if (window.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("slowStart must be in [0, 1h], was " + window);
            }
            this.slowStart = window;
            return this;
        }

        /** 1 to 100: the share of its weight a warming server starts with. */
        public Builder slowStartMinWeightPercent(int percent) {
            this.slowStartMinWeightPercent = Checks.inRange("slowStartMinWeightPercent", percent, 1, 100);
            return this;
        }

        /** 0.1 to 10: the ramp's shape, weight × (elapsed/window)^(1/aggression); 1 is linear. */
        public Builder slowStartAggression(double aggression) {
            this.slowStartAggression = Checks.inRange("slowStartAggression", aggression, 0.1, 10.0);
            return this;
        }

        /** 1 ms to 1 hour: how fast the peak-EWMA latency forgets a peak. */
        public Builder latencyDecay(Duration decay) {
            Checks.positive("latencyDecay", decay);
            if (decay.compareTo(Duration.ofMillis(1)) < 0 || decay.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("latencyDecay must be in [1ms, 1h], was " + decay);
            }
            this.latencyDecay = decay;
            return this;
        }

        /** 0 (twice the slowest estimate) to 1 hour: the least latency a failed call is charged. */
        public Builder failurePenalty(Duration penalty) {
            Checks.nonNegative("failurePenalty", penalty);
            if (penalty.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("failurePenalty must be in [0, 1h], was " + penalty);
            }
            this.failurePenalty = penalty;
            return this;
        }

        /** Keep traffic in the client's zone while it is healthy enough (Envoy); null turns it off. */
        public Builder zoneAwareRouting(ZoneAwareRouting routing) {
            this.zoneAwareRouting = routing;
            return this;
        }

        /** The immutable settings. */
        public PoolConfig build() {
            return new PoolConfig(this);
        }
    }
}
