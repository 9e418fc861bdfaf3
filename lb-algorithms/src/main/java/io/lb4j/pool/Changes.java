package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.Ticker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * How every change reaches the pool's pickers: an operator's call, a health transition or a time-driven
 * refresh runs under the pool's update lock, {@link Publisher} builds the next {@link Snapshot} from the
 * members, the pool publishes it with one volatile write, and the change's events go to the
 * {@link Listeners} after the lock is released, on the thread that caused the change. A refresh asked for
 * by a pick never waits: it takes the lock only if it is free ({@code tryLock}).
 *
 * <p>Thread-safety: thread-safe; all state it touches is guarded by the pool's lock.
 */
final class Changes {
    private final LoadBalancingPool pool;
    private final Publisher publisher;
    private final Listeners listeners;
    private final ReentrantLock lock;
    private final Ticker ticker;

    Changes(LoadBalancingPool pool, Publisher publisher, Listeners listeners, ReentrantLock lock, Ticker ticker) {
        this.pool = pool;
        this.publisher = publisher;
        this.listeners = listeners;
        this.lock = lock;
        this.ticker = ticker;
    }

    /** Runs {@code op} under the lock and, if something changed, rebuilds, publishes and fires its events. */
    void apply(Supplier<Membership.Change> op) {
        List<HealthEvent> events = new ArrayList<>();
        lock.lock();
        try {
            Membership.Change c = op.get();
            if (c == null || pool.closed()) {
                return;
            }
            events.addAll(c.events());
            pool.publish(publisher.rebuild(pool.members().values(), ticker.read(), events, c.member(), c.reason()));
        } finally {
            lock.unlock();
        }
        listeners.fire(events);
    }

    /** A health transition of {@code changed}, with {@code reason} for its event. */
    void health(Member changed, String reason) {
        if (pool.closed()) {
            return;
        }
        apply(() -> changed.removed ? null : new Membership.Change(changed, reason, null));
    }

    /** Applies a time-driven transition that is due, unless another thread is rebuilding. */
    void refreshIfDue() {
        long now = ticker.read();
        if (pool.snapshot().due(now)) {
            refreshIfFree(now);
        }
    }

    /** The current snapshot, rebuilt first if it is due and no other thread holds the lock. */
    Snapshot refreshIfFree(long now) {
        if (!lock.tryLock()) {
            return pool.snapshot(); // someone else is rebuilding; this pick uses the current snapshot
        }
        List<HealthEvent> events = new ArrayList<>();
        try {
            Snapshot s = pool.snapshot();
            if (pool.closed() || !s.due(now)) {
                return s;
            }
            pool.publish(publisher.rebuild(pool.members().values(), now, events, null, ""));
        } finally {
            lock.unlock();
        }
        listeners.fire(events);
        return pool.snapshot();
    }
}
