package io.lb4j.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.lb4j.api.Ticker;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * Passive health by one resilience4j {@code CircuitBreaker} per server, with its failure-rate and
 * slow-call thresholds: OPEN = ejected; HALF_OPEN = eligible, but only the configured number of trial
 * calls is let through; CLOSED = healthy. The pool's ticker becomes the breakers' clock, so tests drive
 * them by hand.
 *
 * <p>This is the only lb4j class that uses resilience4j, an {@code optional} dependency of
 * {@code lb-algorithms}: add {@code io.github.resilience4j:resilience4j-circuitbreaker} to use it; pools
 * without it run with resilience4j absent.
 *
 * <p>An OPEN breaker whose last recorded error could not connect (connection refused, no route) is a
 * <em>hard</em> ejection, out whatever the max-ejection cap; otherwise it is an outlier ejection.
 *
 * <p>Immutable and thread-safe; build with {@link #of(CircuitBreakerConfig)}.
 */
public final class CircuitBreakerHealth extends PassiveHealth {
    private final CircuitBreakerConfig config;

    private CircuitBreakerHealth(CircuitBreakerConfig config) {
        this.config = config;
    }

    /**
     * One breaker per server, built from {@code config} (its clock is replaced by the pool's ticker).
     *
     * @throws IllegalArgumentException when {@code config} is null
     */
    public static CircuitBreakerHealth of(CircuitBreakerConfig config) {
        return new CircuitBreakerHealth(Checks.notNull("circuitBreakerConfig", config));
    }

    /** The breakers' configuration, as given. */
    public CircuitBreakerConfig config() {
        return config;
    }

    @Override
    PassiveTracker newTracker(Member member, PoolContext pool, PassiveTracker.Listener listener) {
        CircuitBreakerConfig withClock = CircuitBreakerConfig.from(config).clock(new TickerClock(pool.ticker())).build();
        return new Tracker(CircuitBreaker.of(pool.name() + "/" + member.server.id(), withClock), pool, listener);
    }

    @Override
    public String toString() {
        return "PassiveHealth[circuit breaker " + config + "]";
    }

    /** One member's breaker. Thread-safe: the breaker is; the extra fields are volatiles. */
    static final class Tracker implements PassiveTracker {
        private final CircuitBreaker breaker;
        private final PoolContext pool;
        private volatile long openSince;
        private volatile boolean lastErrorHard;
        private volatile String reason = "circuit breaker CLOSED";

        Tracker(CircuitBreaker breaker, PoolContext pool, Listener listener) {
            this.breaker = breaker;
            this.pool = pool;
            breaker.getEventPublisher().onStateTransition(e -> onTransition(e, listener));
        }

        private void onTransition(CircuitBreakerOnStateTransitionEvent event, Listener listener) {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            reason = "circuit breaker " + event.getStateTransition();
            if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
                openSince = pool.ticker().read();
            }
            if (!pool.rebuilding()) { // a rebuild in progress reads the new state itself
                listener.ejected(reason);
            }
        }

        CircuitBreaker breaker() {
            return breaker;
        }

        @Override
        public void onSuccess(long latencyNanos, long now) {
            breaker.onSuccess(latencyNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void onFailure(Throwable cause, long latencyNanos, long now) {
            lastErrorHard = Failures.isConnectFailure(cause);
            breaker.onError(latencyNanos, TimeUnit.NANOSECONDS, cause != null ? cause : new ServerFailure());
        }

        @Override
        public void onDrop(boolean permitted) {
            if (permitted) {
                breaker.releasePermission();
            }
        }

        private boolean open() {
            CircuitBreaker.State s = breaker.getState();
            return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
        }

        @Override
        public void advance(long now) {
            // resilience4j moves OPEN -> HALF_OPEN lazily, on a permission request after the wait
            if (breaker.getState() == CircuitBreaker.State.OPEN && breaker.tryAcquirePermission()) {
                breaker.releasePermission();
            }
        }

        @Override
        public long deadline(long now) {
            if (breaker.getState() != CircuitBreaker.State.OPEN) {
                return Long.MAX_VALUE;
            }
            long waitMillis = Math.min(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1),
                    Long.MAX_VALUE / 4_000_000L); // saturate: a deadline, not an exact time
            // resilience4j lets the first permission through strictly after the wait
            long until = openSince + 1 + Math.max(1_000_000L, waitMillis * 1_000_000L);
            return until - now <= 0 ? now + 1_000_000L : until;
        }

        @Override
        public Verdict verdict() {
            if (!open()) {
                return Verdict.NONE;
            }
            return lastErrorHard ? Verdict.HARD : Verdict.OUTLIER;
        }

        @Override
        public long ejectedSince() {
            return open() ? openSince : Long.MAX_VALUE;
        }

        @Override
        public String reason() {
            return reason;
        }

        @Override
        public boolean restore(long now) {
            if (breaker.getState() == CircuitBreaker.State.CLOSED) {
                return false;
            }
            breaker.transitionToClosedState();
            reason = "active health check passed";
            return true;
        }

        @Override
        public boolean gated() {
            return breaker.getState() == CircuitBreaker.State.HALF_OPEN;
        }

        @Override
        public boolean tryAcquirePermission() {
            return breaker.tryAcquirePermission();
        }

        @Override
        public void releasePermission() {
            breaker.releasePermission();
        }
    }

    /** The failure recorded in a circuit breaker when the caller gave no cause. */
    static final class ServerFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ServerFailure() {
            super("call failed", null, false, false);
        }
    }

    /** Adapts the pool's ticker to the {@link Clock} resilience4j reads. */
    private static final class TickerClock extends Clock {
        private final Ticker ticker;

        TickerClock(Ticker ticker) {
            this.ticker = ticker;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(0, ticker.read());
        }

        @Override
        public long millis() {
            return ticker.read() / 1_000_000L;
        }
    }
}
