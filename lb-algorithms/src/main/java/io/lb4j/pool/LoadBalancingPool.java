package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthListener;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Outcome;
import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lb4j {@link Pool}: the hot path, the membership entry points, listeners and lifecycle. Each health
 * concern lives in its own class: {@link PassiveTracker} (nginx {@code max_fails} or a resilience4j
 * breaker, per member), {@link ActiveChecker} (probes), {@link Eligibility} (tiers, backup, panic, the
 * ejection cap), {@link SlowStart} and {@link LatencyEstimator}; {@link Picks} chooses; {@link PoolReads}
 * answers the read-only views; {@link Changes} applies every change and {@link Publisher} turns the members
 * into the next snapshot.
 *
 * <h2>Concurrency</h2>
 * {@link #acquire(PickContext)} reads one immutable {@link Snapshot} through a volatile field and asks its
 * picker: no lock, no allocation apart from the lease (which the JIT can scalar-replace). Every change — an
 * operator's or health tracking's — takes the update lock, builds a new snapshot and publishes it with one
 * volatile write before the method returns; a pick that starts after {@code remove} returned never sees
 * the removed server. Time-driven transitions (an ejection ending, a slow-start step) are applied lazily:
 * the snapshot carries its next deadline and the first {@code acquire} after it rebuilds, with
 * {@code tryLock} so a pick never waits for another thread's rebuild. Listeners run after the publish,
 * on the thread that caused the change, outside the lock.
 *
 * <h2>Health</h2>
 * See {@link Eligibility} for which servers are picked. A server that cannot be connected to, or fails
 * its active checks {@code fall} times, is out whatever {@code maxEjectionPercent} says; the cap limits
 * only passive <em>outlier</em> ejections, and backups never count towards it. With active checks on, a
 * passively ejected server returns after {@code rise} probes pass after its ejection (or when its
 * passive ejection ends, whichever is first).
 *
 * <p>Thread-safe. Build with {@link #builder(String)}.
 */
public final class LoadBalancingPool implements Pool {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancingPool.class);

    private final String name;
    private final Strategy strategy;
    private final PoolConfig config;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Member> members; // guarded by lock
    private final Listeners listeners;
    private final Publisher publisher;
    private final PoolContext context;
    private final ActiveChecker checker;
    private final Feedback feedback;
    private final OutcomeObserver observer;
    private final Changes changes;
    private final PoolReads reads = new PoolReads(this);
    private volatile boolean closed;
    private volatile Snapshot snapshot;

    LoadBalancingPool(PoolBuilder b) {
        this.name = b.name;
        this.strategy = b.strategy;
        this.config = b.config;
        this.ticker = b.ticker;
        this.feedback = new Feedback(this, config.failurePenalty().toNanos());
        this.listeners = new Listeners(name);
        this.publisher = new Publisher(name, strategy, config);
        this.context = new PoolContext.Of(name, ticker, lock);
        this.changes = new Changes(this, publisher, listeners, lock, ticker);
        this.members = new LinkedHashMap<>(Math.max(16, b.servers.size() * 2));
        lock.lock();
        try {
            for (Server s : b.servers.values()) {
                Member m = newMember(s);
                m.adminDown = b.down.contains(s.id());
                m.state = m.adminDown ? HealthState.DOWN : HealthState.UP;
                members.put(m.id(), m);
            }
            snapshot = publisher.rebuild(members.values(), ticker.read(), new ArrayList<>(), null, "");
        } finally {
            lock.unlock();
        }
        observer = b.observer == null ? null : Checks.notNull("observer", b.observer.create(this));
        ActiveHealth active = config.activeHealth();
        if (active != null) {
            checker = new ActiveChecker(active, name, this::memberList, feedback::onProbe, b.executor);
            if (b.scheduleHealthChecks) {
                checker.start();
            }
        } else {
            checker = null;
        }
        log.info("pool '{}' created with {} servers, strategy {}, {}", name, members.size(), strategy.name(), config);
    }

    /** A builder for a pool named {@code name} (not blank), as used in logs, events and errors. */
    public static PoolBuilder builder(String name) {
        return new PoolBuilder(Checks.notBlank("name", name));
    }

    @Override
    public String name() {
        return name;
    }

    /** The strategy balancing this pool. */
    public Strategy strategy() {
        return strategy;
    }

    /** The settings this pool was built with. */
    public PoolConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ the hot path

    @Override
    public Lease acquire() {
        return acquire(PickContext.none());
    }

    @Override
    public Lease acquire(PickContext context) {
        // Kept small so that the JIT inlines it into the caller and scalar-replaces the lease: one clock
        // read, one out-of-line call (see Picks), one allocation site.
        if (context == null) {
            throw new IllegalArgumentException("context must not be null; use PickContext.none()");
        }
        long now = ticker.read();
        int stripe = Member.stripe();
        Object picked = Picks.choose(this, context, now, stripe);
        boolean permitted = !(picked instanceof Member);
        Member m = permitted ? ((Member.Trial) picked).member : (Member) picked;
        return new PoolLease(this, m, now, permitted, stripe); // ONE allocation site: two would merge and escape
    }

    Feedback feedback() {
        return feedback;
    }

    /** A snapshot with a picker: refreshed if its deadline passed; throws when it has no server. */
    Snapshot ready(Snapshot s, long now) {
        if (s.due(now)) {
            s = changes.refreshIfFree(now);
        }
        if (s.picker == null) {
            if (observer != null) {
                feedback.noServer(s.reason);
            }
            throw new NoAvailableServerException(name, s.reason, s.detail);
        }
        return s;
    }

    /** Called once per lease by {@link PoolLease}. */
    void complete(Member m, Outcome outcome, Throwable cause, long latencyNanos, long startNanos, boolean permitted,
                  int stripe) {
        feedback.complete(m, outcome, cause, latencyNanos, startNanos, permitted, stripe);
    }

    /**
     * Runs one round of active health checks now and waits for it (at most the probe timeout); for tests
     * and lb4j's adapters through {@code io.lb4j.pool.internal.PoolInternals}, not API.
     *
     * @throws IllegalStateException when the pool has no active health checking
     */
    void checkHealthNow() {
        if (checker == null) {
            throw new IllegalStateException("pool '" + name + "' has no active health check (PoolConfig.activeHealth)");
        }
        checker.roundAndWait();
    }

    // ------------------------------------------------------------------ membership

    @Override
    public void add(Server server) {
        add(server, false);
    }

    @Override
    public void addDown(Server server) {
        add(server, true);
    }

    private void add(Server server, boolean down) {
        Checks.notNull("server", server);
        ensureOpen();
        changes.apply(() -> Membership.add(this, server, down));
    }

    @Override
    public boolean remove(String serverId) {
        Checks.notNull("serverId", serverId);
        boolean[] found = new boolean[1];
        changes.apply(() -> {
            Member m = members.get(serverId);
            found[0] = m != null;
            return m == null ? null : Membership.drop(this, m);
        });
        return found[0];
    }

    /**
     * Replaces the membership in one step: one rebuild, one publish. Servers whose id is already a member
     * keep their counters, latency estimate and health, and take the new settings (weight, backup, ...) at
     * once; new servers start as {@link #add} does (slow start applies); members missing from the list are
     * drained (no new picks, requests in flight finish) and then dropped. One event per difference.
     * O(n) in the size of the list. An empty list empties the pool: guard against that upstream (a
     * discovery binder does).
     *
     * @throws IllegalArgumentException when {@code servers} is null, holds null or two servers with one id
     */
    @Override
    public void update(Collection<Server> servers) {
        Map<String, Server> wanted = Membership.index(servers);
        ensureOpen();
        changes.apply(() -> Membership.update(this, wanted));
    }

    @Override
    public void setWeight(String serverId, int weight) {
        Checks.inRange("weight", weight, 0, Server.MAX_WEIGHT);
        operate(serverId, m -> Membership.setWeight(this, m, weight));
    }

    @Override
    public void markDown(String serverId) {
        operate(serverId, Membership::markDown);
    }

    @Override
    public void markUp(String serverId) {
        operate(serverId, m -> Membership.markUp(this, m));
    }

    @Override
    public CompletableFuture<Void> drain(String serverId) {
        Member[] target = new Member[1];
        operate(serverId, m -> Membership.drain(target[0] = m));
        return Membership.drained(target[0]);
    }

    private interface Operation {
        /** @return what changed, or null when nothing did */
        Membership.Change apply(Member m);
    }

    private void operate(String serverId, Operation op) {
        Checks.notNull("serverId", serverId);
        ensureOpen();
        changes.apply(() -> op.apply(member(serverId)));
    }

    /** Where changes are applied and published. */
    Changes changes() {
        return changes;
    }

    /** Publishes the next snapshot; called by {@link Changes} under the lock only. */
    void publish(Snapshot next) {
        snapshot = next;
    }

    Member member(String serverId) {
        Member m = members.get(serverId);
        if (m == null) {
            throw new IllegalArgumentException("pool '" + name + "' has no server with id '" + serverId
                    + "'; members: " + Membership.someIds(members.keySet()));
        }
        return m;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    boolean closed() {
        return closed;
    }

    Map<String, Member> members() {
        return members;
    }

    ReentrantLock lock() {
        return lock;
    }

    Member newMember(Server server) {
        Member m = new Member(server, ticker, config.latencyDecay().toNanos(),
                strategy.readsLoad() ? 1 : Member.STRIPES);
        m.passive = config.passiveHealth().newTracker(m, context, reason -> feedback.onPassiveChange(m, reason));
        return m;
    }

    /** The observer of completed leases, or null. */
    OutcomeObserver observer() {
        return observer;
    }

    Publisher publisher() {
        return publisher;
    }

    String poolName() {
        return name;
    }

    long now() {
        return ticker.read();
    }

    List<Member> memberList() {
        lock.lock();
        try {
            return new ArrayList<>(members.values());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ views (see PoolReads)

    @Override
    public List<Server> servers() {
        return reads.servers();
    }

    @Override
    public Optional<Server> server(String serverId) {
        return reads.server(serverId);
    }

    @Override
    public HealthState state(String serverId) {
        return reads.state(serverId);
    }

    @Override
    public EndpointStats stats(String serverId) {
        return reads.stats(serverId);
    }

    @Override
    public List<EndpointStats> stats() {
        return reads.stats();
    }

    /** The endpoints the current picker balances over (after tiers, panic and ejection), in pool order. */
    public List<Endpoint> eligible() {
        return reads.eligible();
    }

    /** Whether the pool is in panic mode (balancing over unhealthy primaries because too few are healthy). */
    public boolean panicking() {
        return reads.panicking();
    }

    @Override
    public void addListener(HealthListener listener) {
        listeners.add(Checks.notNull("listener", listener));
    }

    @Override
    public void removeListener(HealthListener listener) {
        listeners.remove(Checks.notNull("listener", listener));
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            closed = true; // under the lock: no rebuild in progress can publish over the closed snapshot
            snapshot = Snapshot.none(NoAvailableServerException.Reason.CLOSED, "the pool is closed");
        } finally {
            lock.unlock();
        }
        if (checker != null) {
            checker.close();
        }
        if (observer != null) {
            feedback.closeObserver();
        }
        log.info("pool '{}' closed", name);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pool '" + name + "' is closed");
        }
    }

    @Override
    public String toString() {
        return "LoadBalancingPool[" + name + ", " + strategy.name() + ", " + snapshot.eligible.length + " eligible]";
    }
}
