package io.lb4j.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.time.Duration;

/**
 * How a pool learns from the outcomes of real calls (passive health checking, Envoy's outlier
 * detection). Three modes:
 * <ul>
 *   <li>{@link #nginx(int, Duration)}: nginx's {@code max_fails}/{@code fail_timeout}. A server that fails
 *       {@code maxFails} times within {@code failTimeout} is ejected for {@code failTimeout}; then it is
 *       tried again, and one more failure ejects it again at once, while a success restores it fully.
 *       Per-server {@code Server.maxFails()} / {@code failTimeout()} override the pool's values;
 *       {@code maxFails = 0} disables ejection for that server. The default ({@link #ofDefaults()}) is
 *       nginx's: {@code max_fails=1 fail_timeout=10s}.</li>
 *   <li>{@link #circuitBreaker(CircuitBreakerConfig)}: one resilience4j {@code CircuitBreaker} per server,
 *       with its failure-rate and slow-call thresholds. OPEN = ejected; HALF_OPEN = eligible, but only
 *       the configured number of trial calls is let through; CLOSED = healthy. The pool's ticker becomes
 *       the breakers' clock.</li>
 *   <li>{@link #disabled()}: outcomes feed latency only.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class PassiveHealth {
    /** nginx's default {@code max_fails}: 1 failure. */
    public static final int DEFAULT_MAX_FAILS = 1;
    /** nginx's default {@code fail_timeout}: 10 seconds. */
    public static final Duration DEFAULT_FAIL_TIMEOUT = Duration.ofSeconds(10);

    enum Mode { NGINX, CIRCUIT_BREAKER, DISABLED }

    private static final PassiveHealth DEFAULTS = new PassiveHealth(Mode.NGINX, DEFAULT_MAX_FAILS, DEFAULT_FAIL_TIMEOUT, null);
    private static final PassiveHealth DISABLED = new PassiveHealth(Mode.DISABLED, 0, DEFAULT_FAIL_TIMEOUT, null);

    private final Mode mode;
    private final int maxFails;
    private final Duration failTimeout;
    private final CircuitBreakerConfig circuitBreakerConfig;

    private PassiveHealth(Mode mode, int maxFails, Duration failTimeout, CircuitBreakerConfig cb) {
        this.mode = mode;
        this.maxFails = maxFails;
        this.failTimeout = failTimeout;
        this.circuitBreakerConfig = cb;
    }

    /** nginx's defaults: {@code max_fails=1 fail_timeout=10s}. */
    public static PassiveHealth ofDefaults() {
        return DEFAULTS;
    }

    /**
     * @param maxFails    failures within {@code failTimeout} that eject a server; 0 to 1,000,000 (0 never ejects)
     * @param failTimeout the counting window and the ejection time; 1 ms to 1 day
     */
    public static PassiveHealth nginx(int maxFails, Duration failTimeout) {
        Checks.inRange("maxFails", maxFails, 0, 1_000_000);
        Checks.positive("failTimeout", failTimeout);
        if (failTimeout.compareTo(Duration.ofMillis(1)) < 0 || failTimeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("failTimeout must be in [1ms, 1d], was " + failTimeout);
        }
        return new PassiveHealth(Mode.NGINX, maxFails, failTimeout, null);
    }

    /** One resilience4j circuit breaker per server, built from {@code config} (its clock is replaced by the pool's ticker). */
    public static PassiveHealth circuitBreaker(CircuitBreakerConfig config) {
        return new PassiveHealth(Mode.CIRCUIT_BREAKER, 0, DEFAULT_FAIL_TIMEOUT,
                Checks.notNull("circuitBreakerConfig", config));
    }

    /** No passive health checking. */
    public static PassiveHealth disabled() {
        return DISABLED;
    }

    Mode mode() {
        return mode;
    }

    /** nginx mode's {@code max_fails}. */
    public int maxFails() {
        return maxFails;
    }

    /** nginx mode's {@code fail_timeout}. */
    public Duration failTimeout() {
        return failTimeout;
    }

    /** The circuit breaker configuration, or null outside circuit-breaker mode. */
    public CircuitBreakerConfig circuitBreakerConfig() {
        return circuitBreakerConfig;
    }

    @Override
    public String toString() {
        switch (mode) {
            case NGINX:
                return "PassiveHealth[max_fails=" + maxFails + " fail_timeout=" + failTimeout + "]";
            case CIRCUIT_BREAKER:
                return "PassiveHealth[circuit breaker " + circuitBreakerConfig + "]";
            default:
                return "PassiveHealth[disabled]";
        }
    }
}
