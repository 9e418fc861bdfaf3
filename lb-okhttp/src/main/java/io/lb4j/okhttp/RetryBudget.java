package io.lb4j.okhttp;

import io.lb4j.api.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A retry budget, as Finagle's {@code RetryBudget} and gRPC's retry throttling: a token bucket that
 * every request credits with {@link RetryBudgetConfig#percentCanRetry()} of a token and every retry
 * debits by one token, so that retries add at most that share to the request rate and a failing fleet
 * is not hit by a retry storm. Credits and debits expire after {@link RetryBudgetConfig#ttl()} (a
 * window of ten slots), and a reserve of {@code minRetriesPerSecond × ttl} tokens is always there, so a
 * client with little traffic can still retry.
 *
 * <p>Over any window of {@code ttl}, the number of retries allowed is therefore at most
 * {@code minRetriesPerSecond × ttl + percentCanRetry × requests}. Time comes from the injected
 * {@link Ticker}.
 *
 * <p>{@link LoadBalancingInterceptor} keeps two budgets per pool: one for retries of requests that
 * reached a server, one for requeues of tries that failed to connect. Logs (slf4j) only when the budget
 * becomes exhausted and when it is available again: that is, at least one {@code ttl} later, once
 * {@code min(10, 20% of the reserve)} tokens (at least one) are available, so that a budget hovering
 * around empty under sustained failures does not log on every few requests. The budget itself always
 * allows a retry as soon as one token is there.
 *
 * <p>Thread-safe: {@link #deposit()} and {@link #tryWithdraw()} take a short lock (a few arithmetic
 * operations).
 */
public final class RetryBudget {
    private static final Logger log = LoggerFactory.getLogger(RetryBudget.class);
    private static final int SLOTS = 10;
    /** One token, in milli-tokens. */
    private static final long TOKEN = 1000;

    private final String name;
    private final String kind;
    private final RetryBudgetConfig config;
    private final Ticker ticker;
    private final long slotNanos;
    private final long credit;
    private final long reserve;
    private final long[] slots = new long[SLOTS]; // guarded by this
    private long slotIndex;                        // guarded by this: absolute index of the current slot
    private final long recoverAt;
    private boolean exhausted;                     // guarded by this
    private long exhaustedAt;                      // guarded by this: ticker time exhaustion was reported
    private long transitions;                      // guarded by this: reported state changes

    /**
     * @param name   what the budget is for (the pool's name), used in logs
     * @param config the settings
     * @param ticker the time source
     */
    public RetryBudget(String name, RetryBudgetConfig config, Ticker ticker) {
        this("retry", name, config, ticker);
    }

    /** A budget whose logs call it a {@code kind} budget ("requeue budget of 'orders' exhausted"). */
    RetryBudget(String kind, String name, RetryBudgetConfig config, Ticker ticker) {
        this.kind = kind;
        this.name = Checks.notNull("name", name);
        this.config = Checks.notNull("config", config);
        this.ticker = Checks.notNull("ticker", ticker);
        this.slotNanos = Math.max(1, config.ttl().toNanos() / SLOTS);
        this.credit = Math.round(config.percentCanRetry() * TOKEN);
        this.reserve = (long) config.minRetriesPerSecond() * config.ttl().toSeconds() * TOKEN;
        this.slotIndex = Math.floorDiv(ticker.read(), slotNanos);
        this.recoverAt = Math.max(1, Math.min(10, reserve / TOKEN / 5)) * TOKEN;
    }

    /** Credits the budget for one request (not for a retry). */
    public void deposit() {
        if (credit == 0) {
            return;
        }
        synchronized (this) {
            advance();
            slots[Math.floorMod(slotIndex, SLOTS)] += credit;
        }
    }

    /**
     * Takes one token for a retry if there is one.
     *
     * @return whether the retry may go ahead
     */
    public boolean tryWithdraw() {
        boolean ok;
        boolean changed = false;
        synchronized (this) {
            advance();
            long balance = reserve + sum();
            ok = balance >= TOKEN;
            if (ok) {
                slots[Math.floorMod(slotIndex, SLOTS)] -= TOKEN;
            }
            // Hysteresis, so that a budget hovering around empty is not reported on every few requests:
            // it is reported available again only once it has recovered to recoverAt tokens and at least
            // one ttl after it was reported exhausted.
            if (!ok && !exhausted) {
                exhausted = true;
                exhaustedAt = ticker.read();
                changed = true;
            } else if (ok && exhausted && balance >= recoverAt
                    && ticker.read() - exhaustedAt >= config.ttl().toNanos()) {
                exhausted = false;
                changed = true;
            }
            if (changed) {
                transitions++;
            }
        }
        if (changed) {
            if (ok) {
                log.info("{} budget of '{}' available again", kind, name);
            } else {
                log.warn("{} budget of '{}' exhausted: it allows {}% of the requests of the last {} plus {} per "
                        + "second; not trying another server", kind, name, config.percentCanRetry() * 100,
                        config.ttl(), config.minRetriesPerSecond());
            }
        }
        return ok;
    }

    /** Gives back a token taken by {@link #tryWithdraw()} for a retry that did not happen. */
    public void refund() {
        synchronized (this) {
            advance();
            slots[Math.floorMod(slotIndex, SLOTS)] += TOKEN;
        }
    }

    /** The retries allowed now (whole tokens). */
    public long available() {
        synchronized (this) {
            advance();
            return Math.max(0, (reserve + sum()) / TOKEN);
        }
    }

    /** Test hook: how many times exhaustion or recovery was reported (logged). */
    synchronized long transitions() {
        return transitions;
    }

    /** The settings. */
    public RetryBudgetConfig config() {
        return config;
    }

    private long sum() {
        long s = 0;
        for (long v : slots) {
            s += v;
        }
        return s;
    }

    /** Clears the slots that expired since the last call. Caller holds the lock. */
    private void advance() {
        long now = Math.floorDiv(ticker.read(), slotNanos);
        long steps = now - slotIndex;
        if (steps <= 0) {
            return;
        }
        if (steps >= SLOTS) {
            java.util.Arrays.fill(slots, 0);
        } else {
            for (long i = 1; i <= steps; i++) {
                slots[Math.floorMod(slotIndex + i, SLOTS)] = 0;
            }
        }
        slotIndex = now;
    }

    @Override
    public String toString() {
        return "RetryBudget[" + kind + ", " + name + ", " + config + ", available=" + available() + "]";
    }
}
