package io.lb4j.pool;

import java.time.Duration;

/**
 * How a pool learns from the outcomes of real calls (passive health checking, Envoy's outlier
 * detection). The choices:
 * <ul>
 *   <li>{@link #nginx(int, Duration)}: nginx's {@code max_fails}/{@code fail_timeout}. A server that fails
 *       {@code maxFails} times within {@code failTimeout} is ejected for {@code failTimeout}; then it is
 *       tried again, and one more failure ejects it again at once, while a success restores it fully.
 *       Per-server {@code Server.maxFails()} / {@code failTimeout()} override the pool's values;
 *       {@code maxFails = 0} disables ejection for that server. The default ({@link #ofDefaults()}) is
 *       nginx's: {@code max_fails=1 fail_timeout=10s}.</li>
 *   <li>{@link CircuitBreakerHealth#of}: one resilience4j {@code CircuitBreaker} per server (resilience4j is
 *       an optional dependency: only that class needs it on the class path).</li>
 *   <li>{@link #disabled()}: outcomes feed latency only.</li>
 * </ul>
 * A server whose calls fail because they <em>cannot connect</em> (connection refused, no route, unknown
 * host) is <em>down</em>, and is taken out whatever the pool's {@code maxEjectionPercent}; a server whose
 * calls reach it and fail is an <em>outlier</em>, and the cap limits how many outliers are ejected at once.
 * With active health checks on, a passively ejected server also returns after {@code rise} passing
 * probes, whichever comes first.
 *
 * <p>Immutable and thread-safe. Subclasses live in this package only.
 */
public abstract class PassiveHealth {
    /** nginx's default {@code max_fails}: 1 failure. */
    public static final int DEFAULT_MAX_FAILS = 1;
    /** nginx's default {@code fail_timeout}: 10 seconds. */
    public static final Duration DEFAULT_FAIL_TIMEOUT = Duration.ofSeconds(10);

    private static final PassiveHealth DEFAULTS = new Nginx(DEFAULT_MAX_FAILS, DEFAULT_FAIL_TIMEOUT);
    private static final PassiveHealth DISABLED = new Disabled();

    PassiveHealth() {
    }

    /** nginx's defaults: {@code max_fails=1 fail_timeout=10s}. */
    public static PassiveHealth ofDefaults() {
        return DEFAULTS;
    }

    /**
     * @param maxFails    failures within {@code failTimeout} that eject a server; 0 to 1,000,000 (0 never ejects)
     * @param failTimeout the counting window and the ejection time; 1 ms to 1 day
     * @throws IllegalArgumentException naming the parameter, its value and the allowed range
     */
    public static PassiveHealth nginx(int maxFails, Duration failTimeout) {
        Checks.inRange("maxFails", maxFails, 0, 1_000_000);
        Checks.positive("failTimeout", failTimeout);
        if (failTimeout.compareTo(Duration.ofMillis(1)) < 0 || failTimeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("failTimeout must be in [1ms, 1d], was " + failTimeout);
        }
        return new Nginx(maxFails, failTimeout);
    }

    /** No passive health checking. */
    public static PassiveHealth disabled() {
        return DISABLED;
    }

    /** nginx mode's {@code max_fails}; 0 in the other modes. */
    public int maxFails() {
        return 0;
    }

    /** nginx mode's {@code fail_timeout}; {@link #DEFAULT_FAIL_TIMEOUT} in the other modes. */
    public Duration failTimeout() {
        return DEFAULT_FAIL_TIMEOUT;
    }

    /** A tracker for one member; {@code listener} hears of every ejection the tracker makes by itself. */
    abstract PassiveTracker newTracker(Member member, PoolContext pool, PassiveTracker.Listener listener);

    /** nginx {@code max_fails}/{@code fail_timeout}. */
    private static final class Nginx extends PassiveHealth {
        private final int maxFails;
        private final Duration failTimeout;

        Nginx(int maxFails, Duration failTimeout) {
            this.maxFails = maxFails;
            this.failTimeout = failTimeout;
        }

        @Override
        public int maxFails() {
            return maxFails;
        }

        @Override
        public Duration failTimeout() {
            return failTimeout;
        }

        @Override
        PassiveTracker newTracker(Member member, PoolContext pool, PassiveTracker.Listener listener) {
            return new NginxPassiveTracker(member, this, listener);
        }

        @Override
        public String toString() {
            return "PassiveHealth[max_fails=" + maxFails + " fail_timeout=" + failTimeout + "]";
        }
    }

    /** Outcomes feed latency only. */
    private static final class Disabled extends PassiveHealth {
        @Override
        PassiveTracker newTracker(Member member, PoolContext pool, PassiveTracker.Listener listener) {
            return PassiveTracker.NONE;
        }

        @Override
        public String toString() {
            return "PassiveHealth[disabled]";
        }
    }
}
