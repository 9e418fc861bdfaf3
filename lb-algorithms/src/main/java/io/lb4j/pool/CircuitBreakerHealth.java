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
 * <em>hard</em> ejection, out whatever the max-ejection cap; otherwise it is an outlier ejection, which
 * becomes hard if a later call (the cap may keep the server in rotation) cannot connect.
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
        return new Tracker(CircuitBreaker.of(pool.name() + "/" + member.server.id(), withClock), member, pool, listener);
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
        /** Whether the last recorded error could not connect; read when the breaker opens. */
        private volatile boolean lastErrorHard;
        /** Whether the current opening was caused by a connect failure; fixed while the breaker is open. */
        private volatile boolean openedHard;
        /** Consecutive openings without a close in between: resilience4j's backoff attempt. */
        private volatile int attempts;
        private volatile String reason = "circuit breaker CLOSED";

        private final Member member;
        private final Listener listener;

        Tracker(CircuitBreaker breaker, Member member, PoolContext pool, Listener listener) {
            this.breaker = breaker;
            this.member = member;
            this.pool = pool;
            this.listener = listener;
            breaker.getEventPublisher().onStateTransition(e -> onTransition(e, listener));
        }

        private void onTransition(CircuitBreakerOnStateTransitionEvent event, Listener listener) {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            reason = "circuit breaker " + event.getStateTransition();
            if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
                openSince = pool.ticker().read();
                openedHard = lastErrorHard;
                attempts = Math.min(attempts + 1, 1_000);
                member.probe.resetPasses(); // active checks count passes from the ejection on
            } else if (to == CircuitBreaker.State.CLOSED) {
                attempts = 0;
            }
            if (!pool.rebuilding()) { // a rebuild in progress reads the new state itself
                listener.changed(reason);
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
            boolean hard = Failures.isConnectFailure(cause);
            lastErrorHard = hard;
            if (hard && !openedHard && open()) {
                // an outlier the ejection cap kept in rotation (or a call in flight when it opened) that now
                // cannot be connected to is down: out whatever the cap, until the breaker closes
                openedHard = true;
                reason = "cannot connect after its circuit breaker opened as an outlier" + " (" + cause + ")";
                if (!pool.rebuilding()) {
                    listener.changed(reason);
                }
            }
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
            long waitMillis = Math.min(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState()
                    .apply(Math.max(1, attempts)), Long.MAX_VALUE / 4_000_000L); // saturate: a deadline, not an exact time
            long waitNanos = Math.max(1_000_000L, waitMillis * 1_000_000L);
            // resilience4j lets the first permission through strictly after the wait
            long until = openSince + 1 + waitNanos;
            // still open past the computed wait (a longer backoff than we know of): look again later, not every ms
            return until - now <= 0 ? now + Math.max(1_000_000L, Math.min(waitNanos / 10, 1_000_000_000L)) : until;
        }

        @Override
        public Verdict verdict() {
            if (!open()) {
                return Verdict.NONE;
            }
            return openedHard ? Verdict.HARD : Verdict.OUTLIER;
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
        /** An arbitrary fixed base: the breaker only ever compares instants with each other. */
        private static final Instant BASE = Instant.ofEpochSecond(1_000_000_000L);
        private final Ticker ticker;
        private final long origin;

        TickerClock(Ticker ticker) {
            this.ticker = ticker;
            this.origin = ticker.read();
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
            return BASE.plusNanos(ticker.read() - origin); // wrap-safe: the difference, not the raw reading
        }

        @Override
        public long millis() {
            return instant().toEpochMilli();
        }
    }
}
