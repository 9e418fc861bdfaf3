package io.lb4j.pool;

import io.lb4j.api.HealthCheck;

import java.time.Duration;

/**
 * Active health checking, HAProxy's {@code check inter 2s rise 2 fall 3} and keepalived's: the pool
 * probes every server every {@link #interval()} on its own scheduler, at most one probe in flight per server; {@link #fall()} consecutive failed
 * probes eject a server, {@link #rise()} consecutive passed probes restore it (with slow start when the
 * pool has it). A probe that takes longer than {@link #timeout()} is abandoned (interrupted) and counts
 * as failed. With passive health on too, a passively ejected server returns after {@link #rise()}
 * probes pass after its ejection, without waiting for {@code fail_timeout}.
 *
 * <p>Immutable and thread-safe. Build with {@link #custom(HealthCheck)}.
 */
public final class ActiveHealth {
    /** HAProxy's default {@code inter}: 2 seconds. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    /** Default probe timeout: 1 second (HAProxy's {@code timeout check} falls back to {@code inter}). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** HAProxy's default {@code rise}: 2 passed probes. */
    public static final int DEFAULT_RISE = 2;
    /** HAProxy's default {@code fall}: 3 failed probes. */
    public static final int DEFAULT_FALL = 3;
    /** At most 8 probes run at once on the pool's own probe threads. */
    public static final int DEFAULT_CONCURRENCY = 8;

    private final HealthCheck check;
    private final Duration interval;
    private final Duration timeout;
    private final int rise;
    private final int fall;
    private final int concurrency;

    private ActiveHealth(Builder b) {
        this.check = b.check;
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.rise = b.rise;
        this.fall = b.fall;
        this.concurrency = b.concurrency;
    }

    /** A builder with the defaults, probing with {@code check}. */
    public static Builder custom(HealthCheck check) {
        return new Builder(Checks.notNull("healthCheck", check));
    }

    /** The defaults ({@code inter 2s, timeout 1s, rise 2, fall 3}) with {@code check}. */
    public static ActiveHealth ofDefaults(HealthCheck check) {
        return custom(check).build();
    }

    /** The probe. */
    public HealthCheck check() {
        return check;
    }

    /** Time between the starts of two probes of one server (HAProxy {@code inter}). */
    public Duration interval() {
        return interval;
    }

    /** How long one probe may take before it counts as failed. */
    public Duration timeout() {
        return timeout;
    }

    /** Consecutive passing probes that bring a server back (HAProxy {@code rise}). */
    public int rise() {
        return rise;
    }

    /** Consecutive failing probes that take a server out (HAProxy {@code fall}). */
    public int fall() {
        return fall;
    }

    /** How many probes may run at once on the pool's own probe threads (at most one per server). */
    public int concurrency() {
        return concurrency;
    }

    @Override
    public String toString() {
        return "ActiveHealth[" + check + " inter=" + interval + " timeout=" + timeout + " rise=" + rise + " fall=" + fall + " concurrency=" + concurrency + "]";
    }

    /** Builds {@link ActiveHealth}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final HealthCheck check;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int rise = DEFAULT_RISE;
        private int fall = DEFAULT_FALL;
        private int concurrency = DEFAULT_CONCURRENCY;

        private Builder(HealthCheck check) {
            this.check = check;
        }

        /** Time between two probes of a server; 1 ms to 1 day. */
        public Builder interval(Duration interval) {
            Checks.positive("interval", interval);
            if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("interval must be in [1ms, 1d], was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /** How long one probe may take; 1 ms to 1 hour. */
        public Builder timeout(Duration timeout) {
            Checks.positive("timeout", timeout);
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("timeout must be in [1ms, 1h], was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Consecutive passed probes that restore an ejected server; 1 to 1000. */
        public Builder rise(int rise) {
            this.rise = Checks.inRange("rise", rise, 1, 1000);
            return this;
        }

        /** Consecutive failed probes that eject a server; 1 to 1000. */
        public Builder fall(int fall) {
            this.fall = Checks.inRange("fall", fall, 1, 1000);
            return this;
        }

        /** 1 to 1000: probes running at once on the pool's own probe threads (idle threads end after 1 s). */
        public Builder concurrency(int concurrency) {
            this.concurrency = Checks.inRange("concurrency", concurrency, 1, 1000);
            return this;
        }

        /** The immutable settings. */
        public ActiveHealth build() {
            return new ActiveHealth(this);
        }
    }
}
