package io.lb4j.discovery;

import io.lb4j.api.HealthState;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.api.ServerSource;
import io.lb4j.api.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds a {@link Pool} from a {@link ServerSource}: every list the source delivers becomes one
 * {@link Pool#update(java.util.Collection)}, under three safety rules.
 *
 * <ol>
 *   <li><b>A failure or an empty list never empties a healthy pool.</b> When the source reports a failure,
 *       or delivers an empty list while the pool has at least one {@link HealthState#UP} server, the pool
 *       keeps its last good list; the binder logs a warning once per run of such deliveries and emits
 *       {@link DiscoveryEvent.Kind#SOURCE_FAILED} or {@link DiscoveryEvent.Kind#EMPTY_IGNORED}. An empty list
 *       is considered only when the pool has no healthy server left (nothing to protect), and then, as any
 *       large removal, once the next list confirms it. This is Finagle's and
 *       Envoy's "keep the last good host set": a DNS outage or a half-written file is no reason to stop
 *       serving.</li>
 *   <li><b>A large removal waits for confirmation.</b> A list that would remove more than
 *       {@link BinderConfig#maxRemovalShare()} of the pool's members (default 50%) is held back, logged and
 *       reported ({@link DiscoveryEvent.Kind#REMOVAL_HELD}), and the binder asks the source to
 *       {@linkplain ServerSource#refresh() read again}. The next list confirms it when it too removes more than
 *       the share: that list is applied ({@link DiscoveryEvent.Kind#REMOVAL_CONFIRMED}). A next list that
 *       removes less is applied as usual and the held one is forgotten. An operator can also
 *       {@link #confirmHeld()}. Additions and re-weights are never held.</li>
 *   <li><b>Bursts are coalesced.</b> A list waits {@link BinderConfig#settleDelay()} (default 250 ms; the
 *       binder's very first list does not wait) and the pool is updated at most once per
 *       {@link BinderConfig#minUpdateInterval()} (default 1 s); lists arriving meanwhile replace each other and
 *       only the latest is applied. A thousand registrations during a deploy make a handful of rebuilds, not a
 *       thousand, and a registry client that deletes and re-creates its node on reconnection (Curator does)
 *       makes no flap.</li>
 * </ol>
 *
 * <p>The binder does its work on a {@link ScheduledExecutorService} (its own daemon thread by default, or an
 * injected one: tests drive it by hand) and reads time from an injected {@link Ticker}; source threads only
 * record the list. Closing the binder unsubscribes; it closes neither the pool nor the source.
 *
 * <p>Thread-safe.
 */
public final class PoolBinder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PoolBinder.class);

    private final Pool pool;
    private final ServerSource source;
    private final BinderConfig config;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Ticker ticker;
    private final DiscoveryListener listener;
    private final ServerSource.Subscription subscription;
    /** Serialises decisions and pool updates (the scheduler's and {@link #confirmHeld()}'s); taken before {@code this}. */
    private final Object applyLock = new Object();

    // guarded by this
    private List<Server> pending;
    private boolean drainScheduled;
    private boolean applied;
    private long lastApplyNanos;
    private List<Server> held;
    private boolean failing;
    private boolean ignoringEmpty;
    private long updatesApplied;
    private boolean closed;

    private PoolBinder(Builder b) {
        this.pool = b.pool;
        this.source = b.source;
        this.config = b.config;
        this.ticker = b.ticker;
        this.listener = b.listener;
        if (b.scheduler == null) {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lb4j-discovery-" + pool.name());
                t.setDaemon(true);
                return t;
            });
            this.ownsScheduler = true;
        } else {
            this.scheduler = b.scheduler;
            this.ownsScheduler = false;
        }
        this.subscription = source.subscribe(new ServerSource.Subscriber() {
            @Override
            public void onServers(List<Server> servers) {
                String broken = servers == null ? "a null server list"
                        : servers.stream().anyMatch(java.util.Objects::isNull) ? "a server list holding null" : null;
                if (broken != null) { // a broken source: keep the last good list, as for a failure
                    failed(new IllegalArgumentException("source " + source.name() + " delivered " + broken));
                    return;
                }
                offer(servers);
            }

            @Override
            public void onFailure(Throwable error) {
                failed(error);
            }
        });
    }

    /** Binds with the defaults: {@link BinderConfig#ofDefaults()}, its own thread, the system ticker. */
    public static PoolBinder bind(Pool pool, ServerSource source) {
        return builder(pool, source).bind();
    }

    /** @param pool the pool to feed, not null; @param source the source to subscribe to, not null */
    public static Builder builder(Pool pool, ServerSource source) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
        return new Builder(pool, source);
    }

    /** How many lists were applied to the pool (each one {@code update}, i.e. one rebuild). */
    public synchronized long updatesApplied() {
        return updatesApplied;
    }

    /** The list held back for removing too many servers, if any. */
    public synchronized Optional<List<Server>> held() {
        return Optional.ofNullable(held);
    }

    /**
     * Applies the held list now (an operator's confirmation).
     *
     * @return whether a list was held
     */
    public boolean confirmHeld() {
        synchronized (applyLock) {
            List<Server> list;
            synchronized (this) {
                list = held;
                held = null;
            }
            if (list == null) {
                return false;
            }
            apply(list, DiscoveryEvent.Kind.REMOVAL_CONFIRMED, "confirmed by hand");
            return true;
        }
    }

    // ------------------------------------------------------------------ source side: record only

    private void offer(List<Server> servers) {
        long delay;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (failing) {
                failing = false;
                log.info("pool '{}': source {} delivers again ({} servers)", pool.name(), source.name(), servers.size());
            }
            pending = servers;
            if (drainScheduled) {
                return;
            }
            drainScheduled = true;
            delay = applied ? Math.max(config.settleDelay().toNanos(),
                    lastApplyNanos + config.minUpdateInterval().toNanos() - ticker.read()) : 0;
        }
        scheduler.schedule(this::drain, delay, TimeUnit.NANOSECONDS);
    }

    private void failed(Throwable error) {
        synchronized (this) {
            if (closed || failing) {
                log.debug("pool '{}': source {} still failing: {}", pool.name(), source.name(), String.valueOf(error));
                return;
            }
            failing = true;
        }
        log.warn("pool '{}': source {} failed, keeping the last good list of {} servers: {}", pool.name(), source.name(),
                pool.servers().size(), String.valueOf(error));
        emit(DiscoveryEvent.Kind.SOURCE_FAILED, List.of(), String.valueOf(error));
    }

    // ------------------------------------------------------------------ scheduler side: decide and apply

    private void drain() {
        synchronized (applyLock) {
            List<Server> list;
            List<Server> wasHeld;
            synchronized (this) {
                drainScheduled = false;
                list = pending;
                pending = null;
                wasHeld = held;
                if (closed || list == null) {
                    return;
                }
            }
            try {
                decide(list, wasHeld);
            } catch (RuntimeException e) {
                log.error("pool '{}': could not apply a list from {}", pool.name(), source.name(), e);
                emit(DiscoveryEvent.Kind.APPLY_FAILED, list, String.valueOf(e));
            }
        }
    }

    private void decide(List<Server> list, List<Server> wasHeld) {
        List<Server> members = pool.servers();
        if (list.isEmpty() && !members.isEmpty() && anyUp(members)) {
            boolean first;
            synchronized (this) {
                first = !ignoringEmpty;
                ignoringEmpty = true;
                held = null;
            }
            if (first) {
                log.warn("pool '{}': source {} delivered an empty list; keeping the {} servers the pool has", pool.name(),
                        source.name(), members.size());
                emit(DiscoveryEvent.Kind.EMPTY_IGNORED, list, "empty list while " + members.size() + " servers are members");
            }
            return;
        }
        synchronized (this) {
            ignoringEmpty = false;
        }
        int removed = removedCount(members, list);
        boolean large = !members.isEmpty() && removed > config.maxRemovalShare() * members.size();
        if (large && wasHeld == null) {
            synchronized (this) {
                held = list;
            }
            String why = "would remove " + removed + " of " + members.size() + " servers, more than "
                    + Math.round(config.maxRemovalShare() * 100) + "%; waiting for the next list to confirm";
            log.warn("pool '{}': list from {} held: {}", pool.name(), source.name(), why);
            emit(DiscoveryEvent.Kind.REMOVAL_HELD, list, why);
            source.refresh();
            return;
        }
        synchronized (this) {
            held = null;
        }
        if (large) {
            apply(list, DiscoveryEvent.Kind.REMOVAL_CONFIRMED, "removal of " + removed + " of " + members.size()
                    + " servers confirmed by the next list");
        } else {
            apply(list, DiscoveryEvent.Kind.APPLIED, "removes " + removed + " of " + members.size() + " servers");
        }
    }

    private void apply(List<Server> list, DiscoveryEvent.Kind kind, String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            // counted before the update so a coalesced list never waits on a pool that is slow to rebuild
            applied = true;
            lastApplyNanos = ticker.read();
        }
        pool.update(list);
        synchronized (this) {
            updatesApplied++;
        }
        if (kind == DiscoveryEvent.Kind.REMOVAL_CONFIRMED) {
            log.warn("pool '{}': {}; applied {} servers", pool.name(), reason, list.size());
        } else {
            log.debug("pool '{}': applied {} servers from {} ({})", pool.name(), list.size(), source.name(), reason);
        }
        emit(kind, list, reason);
    }

    private boolean anyUp(List<Server> members) {
        for (Server s : members) {
            try {
                if (pool.state(s.id()) == HealthState.UP) {
                    return true;
                }
            } catch (IllegalArgumentException removedMeanwhile) {
                // not a member any more
            }
        }
        return false;
    }

    private static int removedCount(List<Server> members, List<Server> list) {
        Set<String> ids = new HashSet<>(list.size() * 2);
        for (Server s : list) {
            ids.add(s.id());
        }
        int removed = 0;
        for (Server m : members) {
            if (!ids.contains(m.id())) {
                removed++;
            }
        }
        return removed;
    }

    private void emit(DiscoveryEvent.Kind kind, List<Server> servers, String reason) {
        if (listener == null) {
            return;
        }
        try {
            listener.onEvent(new DiscoveryEvent(pool.name(), source.name(), kind, servers, reason, ticker.read()));
        } catch (RuntimeException e) {
            log.warn("pool '{}': discovery listener threw", pool.name(), e);
        }
    }

    /** Unsubscribes from the source and stops the binder's own thread; the pool and the source stay open. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        subscription.close();
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "PoolBinder[pool=" + pool.name() + " source=" + source.name() + " " + config + "]";
    }

    /** Builds and binds a {@link PoolBinder}. Not thread-safe. */
    public static final class Builder {
        private final Pool pool;
        private final ServerSource source;
        private BinderConfig config = BinderConfig.ofDefaults();
        private ScheduledExecutorService scheduler;
        private Ticker ticker = Ticker.system();
        private DiscoveryListener listener;

        private Builder(Pool pool, ServerSource source) {
            this.pool = pool;
            this.source = source;
        }

        /** The safety settings; default {@link BinderConfig#ofDefaults()}. */
        public Builder config(BinderConfig config) {
            this.config = notNull("config", config);
            return this;
        }

        /** Runs the binder's work; the caller keeps ownership (the binder never shuts it down). */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = notNull("scheduler", scheduler);
            return this;
        }

        /** The clock of {@link BinderConfig#minUpdateInterval()}; use the scheduler's clock. */
        public Builder ticker(Ticker ticker) {
            this.ticker = notNull("ticker", ticker);
            return this;
        }

        /** Told of every binder event (applied, held, confirmed, failed, ignored); runs on the binder's thread. */
        public Builder listener(DiscoveryListener listener) {
            this.listener = notNull("listener", listener);
            return this;
        }

        /** Subscribes to the source; a list the source already holds is applied at once (on the scheduler). */
        public PoolBinder bind() {
            return new PoolBinder(this);
        }

        private static <T> T notNull(String field, T value) {
            if (value == null) {
                throw new IllegalArgumentException(field + " must not be null");
            }
            return value;
        }
    }
}
