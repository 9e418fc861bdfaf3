package io.lb4j.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.lb4j.api.Endpoint;
import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthListener;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Outcome;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lb4j {@link Pool}: membership, health tracking (passive nginx or circuit-breaker, active
 * rise/fall probes), backup tiers, the panic threshold, slow start and the max-ejection cap, all
 * feeding one {@link Strategy}.
 *
 * <h2>Concurrency</h2>
 * {@link #acquire(PickContext)} reads one immutable {@code Snapshot} through a volatile field and asks
 * its picker: no lock, no allocation apart from the lease. Every change — an operator's (add, remove,
 * re-weight, down, up, drain) or health tracking's (ejected, restored, a slow-start step) — takes the
 * update lock, builds a new snapshot (calling {@code strategy.newPicker} once) and publishes it with one
 * volatile write before the method returns; so a pick that starts after {@code remove} returned never
 * sees the removed server. Time-driven transitions (the end of an ejection, a slow-start step) are
 * applied lazily: the snapshot carries its next deadline and the first {@code acquire} after it rebuilds,
 * with {@code tryLock} so that a pick never waits for another thread's rebuild. Listeners run after the
 * publish, on the thread that caused the change, outside the lock.
 *
 * <h2>Which servers are eligible</h2>
 * The UP primaries with weight &gt; 0; if none, the UP backups (nginx {@code backup}); if the UP share of
 * primaries is under the panic threshold (and no backup can take over), every primary that is not down or
 * draining (Envoy panic mode); if nothing at all, {@code acquire} throws {@link NoAvailableServerException}
 * saying why. Health checking may eject at most {@code maxEjectionPercent} of the servers at once (at
 * least one always may).
 *
 * <p>Thread-safe. Build with {@link #builder(String)}.
 */
public final class LoadBalancingPool implements Pool {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancingPool.class);

    private final String name;
    private final Strategy strategy;
    private final PoolConfig config;
    private final Ticker ticker;
    private final CircuitBreakerConfig breakerConfig;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Member> members = new LinkedHashMap<>(); // guarded by lock
    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probeExecutor;
    private final boolean ownsExecutors;
    private boolean panicking; // guarded by lock
    private volatile boolean closed;
    private volatile Snapshot snapshot;

    private LoadBalancingPool(Builder b) {
        this.name = b.name;
        this.strategy = b.strategy;
        this.config = b.config;
        this.ticker = b.ticker;
        CircuitBreakerConfig cb = config.passiveHealth().circuitBreakerConfig();
        this.breakerConfig = cb == null ? null
                : CircuitBreakerConfig.from(cb).clock(new TickerClock(ticker)).build();
        List<HealthEvent> events = new ArrayList<>();
        lock.lock();
        try {
            for (Map.Entry<Server, Boolean> e : b.servers.entrySet()) {
                Member m = newMember(e.getKey());
                m.adminDown = e.getValue();
                m.state = m.adminDown ? HealthState.DOWN : HealthState.UP;
                members.put(m.id(), m);
            }
            rebuild(ticker.read(), events);
        } finally {
            lock.unlock();
        }
        ActiveHealth active = config.activeHealth();
        if (active != null && b.scheduleHealthChecks) {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("lb4j-" + name + "-health"));
            this.probeExecutor = Executors.newCachedThreadPool(threads("lb4j-" + name + "-probe"));
            this.ownsExecutors = true;
            long every = active.interval().toNanos();
            scheduler.scheduleWithFixedDelay(this::runScheduledChecks, every, every, TimeUnit.NANOSECONDS);
        } else if (active != null) {
            this.scheduler = null;
            this.probeExecutor = Executors.newCachedThreadPool(threads("lb4j-" + name + "-probe"));
            this.ownsExecutors = true;
        } else {
            this.scheduler = null;
            this.probeExecutor = null;
            this.ownsExecutors = false;
        }
        log.info("pool '{}' created with {} servers, strategy {}, {}", name, members.size(), strategy.name(), config);
    }

    /** A builder for a pool named {@code name} (not blank), as used in logs, events and errors. */
    public static Builder builder(String name) {
        return new Builder(Checks.notBlank("name", name));
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
        // Kept small so that the JIT can inline it into the caller (and perhaps scalar-replace the lease).
        if (context == null) {
            throw new IllegalArgumentException("context must not be null; use PickContext.none()");
        }
        long now = ticker.read();
        Snapshot s = snapshot;
        if (s.hasDeadline && now - s.deadline >= 0 || s.picker == null) {
            s = ready(s, now);
        }
        if (context.preferredId() != null || !context.excludedIds().isEmpty()) {
            return acquireSlow(s, context, now);
        }
        Member m = (Member) s.picker.pick(context);
        if (m.gated) {
            return acquireGated(s, context, m, now);
        }
        m.incrementInFlight();
        m.picks.increment();
        return new PoolLease(this, m, now, false);
    }

    /** A snapshot with a picker: refreshed if its deadline passed; throws when it has no server. */
    private Snapshot ready(Snapshot s, long now) {
        if (s.hasDeadline && now - s.deadline >= 0) {
            s = refreshIfFree(now);
        }
        if (s.picker == null) {
            throw new NoAvailableServerException(name, s.reason, s.detail);
        }
        return s;
    }

    /** A preferred server or exclusions. */
    private Lease acquireSlow(Snapshot s, PickContext context, long now) {
        String preferred = context.preferredId();
        if (preferred != null) {
            Member m = s.byId.get(preferred);
            if (m != null && !context.excludedIds().contains(preferred)
                    && (!m.gated || m.breaker.tryAcquirePermission())) {
                m.incrementInFlight();
                m.picks.increment();
                return new PoolLease(this, m, now, m.gated);
            }
        }
        Member m = (Member) s.picker.pick(context);
        if (context.excludedIds().contains(m.id())) {
            m = pickAvoiding(s, context);
            return lease(m, now, m.gated); // pickAvoiding took a trial permit for a half-open member
        }
        if (m.gated) {
            return acquireGated(s, context, m, now);
        }
        return lease(m, now, false);
    }

    /** A half-open member: it needs one of its breaker's trial permits, else another member. */
    private Lease acquireGated(Snapshot s, PickContext context, Member m, long now) {
        if (m.breaker.tryAcquirePermission()) {
            return lease(m, now, true);
        }
        Member other = pickAvoiding(s, context);
        return lease(other, now, other.gated);
    }

    private Lease lease(Member m, long now, boolean permitted) {
        m.incrementInFlight();
        m.picks.increment();
        return new PoolLease(this, m, now, permitted);
    }

    /** The slow path: exclusions (a retry) or a half-open member whose trial permits are taken. */
    private Member pickAvoiding(Snapshot s, PickContext context) {
        Member best = null;
        // Ask the strategy again a few times (a rotation moves on), then take the least loaded.
        for (int attempt = 0; attempt < Math.min(4, s.eligible.length); attempt++) {
            Member m = (Member) s.picker.pick(context);
            if (usable(m, context)) {
                return m;
            }
        }
        for (Member m : s.eligible) {
            if (context.excludedIds().contains(m.id())) {
                continue;
            }
            if (best == null || m.inFlight() * best.weight < best.inFlight() * m.weight) {
                if (!m.gated || m.breaker.tryAcquirePermission()) {
                    if (best != null && best.gated) {
                        best.breaker.releasePermission();
                    }
                    best = m;
                }
            }
        }
        if (best == null) {
            throw new NoAvailableServerException(name, NoAvailableServerException.Reason.ALL_EXCLUDED,
                    "all " + s.eligible.length + " available servers were excluded " + context.excludedIds()
                            + " or are half-open with no trial call left");
        }
        return best;
    }

    private static boolean usable(Member m, PickContext context) {
        if (context.excludedIds().contains(m.id())) {
            return false;
        }
        return !m.gated || m.breaker.tryAcquirePermission();
    }

    /** Called once per lease by {@link PoolLease}. */
    void complete(Member m, Outcome outcome, Throwable cause, long latencyNanos, long startNanos, boolean permitted) {
        long now = ticker.read();
        long latency = latencyNanos >= 0 ? latencyNanos : Math.max(0, now - startNanos);
        int left = m.decrementInFlight();
        switch (outcome) {
            case SUCCESS:
                m.successes.increment();
                m.observeLatency(latency, now);
                break;
            case FAILURE:
                m.failures.increment();
                m.observeLatency(latency, now);
                break;
            default:
                m.drops.increment();
                if (permitted) {
                    m.breaker.releasePermission();
                }
                break;
        }
        if (left == 0 && m.draining) {
            CompletableFuture<Void> f = m.drained;
            if (f != null) {
                f.complete(null);
            }
        }
        if (m.removed || outcome == Outcome.DROPPED) {
            return;
        }
        if (m.breaker != null) {
            if (outcome == Outcome.SUCCESS) {
                m.breaker.onSuccess(latency, TimeUnit.NANOSECONDS);
            } else {
                m.breaker.onError(latency, TimeUnit.NANOSECONDS,
                        cause != null ? cause : new ServerFailure(m.server.id()));
            }
            return; // transitions arrive through the breaker's event publisher
        }
        if (config.passiveHealth().mode() == PassiveHealth.Mode.NGINX) {
            if (outcome == Outcome.SUCCESS) {
                nginxSuccess(m, now);
            } else {
                nginxFailure(m, now, cause);
            }
        }
    }

    // ------------------------------------------------------------------ passive health: nginx

    private int maxFails(Member m) {
        return m.server.maxFails().orElse(config.passiveHealth().maxFails());
    }

    private long failTimeoutNanos(Member m) {
        return m.server.failTimeout().orElse(config.passiveHealth().failTimeout()).toNanos();
    }

    private void nginxSuccess(Member m, long now) {
        if (m.failCount == 0 && !m.probation) {
            return; // the common case: no lock
        }
        synchronized (m) {
            if (m.probation) {
                m.probation = false;
                m.failCount = 0;
            } else if (m.failCount > 0 && now - m.windowStart > failTimeoutNanos(m)) {
                m.failCount = 0;
            }
        }
    }

    private void nginxFailure(Member m, long now, Throwable cause) {
        int maxFails = maxFails(m);
        if (maxFails == 0) {
            return;
        }
        String reason;
        synchronized (m) {
            if (m.passiveEjected) {
                return;
            }
            long failTimeout = failTimeoutNanos(m);
            if (m.probation) {
                m.probation = false;
                m.failCount = maxFails;
                reason = "failed again after fail_timeout " + Duration.ofNanos(failTimeout) + describe(cause);
            } else {
                if (m.failCount == 0 || now - m.windowStart > failTimeout) {
                    m.windowStart = now;
                    m.failCount = 1;
                } else {
                    m.failCount++;
                }
                if (m.failCount < maxFails) {
                    return;
                }
                reason = m.failCount + " failures within " + Duration.ofNanos(failTimeout) + " (max_fails="
                        + maxFails + ")" + describe(cause);
            }
            m.passiveEjected = true;
            m.passiveSince = now;
            m.passiveReason = reason;
        }
        update(m, reason);
    }

    private static String describe(Throwable cause) {
        return cause == null ? "" : ", last: " + cause;
    }

    // ------------------------------------------------------------------ passive health: circuit breaker

    private void onBreakerTransition(Member m, CircuitBreakerOnStateTransitionEvent event) {
        CircuitBreaker.State to = event.getStateTransition().getToState();
        if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
            m.breakerOpenSince = ticker.read();
        }
        if (!m.removed && !lock.isHeldByCurrentThread()) { // a rebuild in progress reads the new state itself
            update(m, "circuit breaker " + event.getStateTransition());
        }
    }

    // ------------------------------------------------------------------ active health

    /**
     * Runs one round of active health checks now: probes every member on the probe executor (never on
     * this thread), waits for each up to the configured timeout, and applies the results (rise/fall).
     * The pool's scheduler calls this every interval; tests call it directly.
     *
     * @throws IllegalStateException when the pool has no active health checking
     */
    public void checkHealthNow() {
        ActiveHealth active = config.activeHealth();
        if (active == null) {
            throw new IllegalStateException("pool '" + name + "' has no active health check (PoolConfig.activeHealth)");
        }
        if (closed) {
            return;
        }
        List<Member> targets;
        lock.lock();
        try {
            targets = new ArrayList<>(members.values());
        } finally {
            lock.unlock();
        }
        List<Future<HealthCheckResult>> futures = new ArrayList<>(targets.size());
        for (Member m : targets) {
            Server s = m.server;
            futures.add(probeExecutor.submit(() -> active.check().check(s, active.timeout())));
        }
        long deadline = System.nanoTime() + active.timeout().toNanos();
        boolean changed = false;
        StringBuilder reasons = new StringBuilder();
        for (int i = 0; i < targets.size(); i++) {
            Member m = targets.get(i);
            HealthCheckResult r = await(futures.get(i), deadline, active.timeout());
            if (applyProbe(m, r, active)) {
                changed = true;
                reasons.append(reasons.length() == 0 ? "" : "; ").append(m.id()).append(": ").append(r.detail());
            }
        }
        if (changed) {
            update(null, "active health check: " + reasons);
        }
    }

    private static HealthCheckResult await(Future<HealthCheckResult> f, long deadline, Duration timeout) {
        try {
            HealthCheckResult r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return r != null ? r : HealthCheckResult.fail("probe returned no result");
        } catch (TimeoutException e) {
            f.cancel(true);
            return HealthCheckResult.fail("probe timed out after " + timeout);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            return HealthCheckResult.fail("probe failed: " + c);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return HealthCheckResult.fail("probe interrupted");
        }
    }

    /** @return whether the member's active verdict flipped */
    private boolean applyProbe(Member m, HealthCheckResult r, ActiveHealth active) {
        synchronized (m) {
            m.activeDetail = r.detail();
            if (r.healthy()) {
                m.consecutiveFailed = 0;
                m.consecutivePassed++;
                if (m.activeDown && m.consecutivePassed >= active.rise()) {
                    m.activeDown = false;
                    return true;
                }
            } else {
                m.consecutivePassed = 0;
                m.consecutiveFailed++;
                if (!m.activeDown && m.consecutiveFailed >= active.fall()) {
                    m.activeDown = true;
                    m.activeSince = ticker.read();
                    return true;
                }
            }
            return false;
        }
    }

    private void runScheduledChecks() {
        try {
            checkHealthNow();
        } catch (RuntimeException e) {
            log.warn("pool '{}': active health check round failed", name, e);
        }
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
        List<HealthEvent> events = new ArrayList<>();
        lock.lock();
        try {
            if (members.containsKey(server.id())) {
                throw new IllegalArgumentException("pool '" + name + "' already has a server with id '" + server.id() + "'");
            }
            long now = ticker.read();
            Member m = newMember(server);
            m.adminDown = down;
            m.state = down ? HealthState.DOWN : HealthState.UP;
            startRamp(m, now);
            members.put(m.id(), m);
            events.add(new HealthEvent(name, server, HealthEvent.Kind.ADDED, m.state, m.state, "added", now));
            rebuild(now, events);
        } finally {
            lock.unlock();
        }
        log.info("pool '{}': added {}{}", name, server, down ? " (down)" : "");
        fire(events);
    }

    @Override
    public boolean remove(String serverId) {
        Checks.notNull("serverId", serverId);
        List<HealthEvent> events = new ArrayList<>();
        Member m;
        lock.lock();
        try {
            m = members.remove(serverId);
            if (m == null) {
                return false;
            }
            m.removed = true;
            long now = ticker.read();
            events.add(new HealthEvent(name, m.server, HealthEvent.Kind.REMOVED, m.state, m.state, "removed", now));
            rebuild(now, events);
        } finally {
            lock.unlock();
        }
        log.info("pool '{}': removed {}", name, m.server);
        fire(events);
        return true;
    }

    // TEMP: replaced by the lead's pool rewrite (one rebuild, one publish); this one republishes per difference.
    @Override
    public void update(java.util.Collection<Server> servers) {
        Checks.notNull("servers", servers);
        Map<String, Server> wanted = new LinkedHashMap<>();
        for (Server s : servers) {
            Checks.notNull("server in servers", s);
            if (wanted.put(s.id(), s) != null) {
                throw new IllegalArgumentException("pool '" + name + "': servers holds two servers with id '" + s.id() + "'");
            }
        }
        for (Server old : servers()) {
            if (!wanted.containsKey(old.id())) {
                remove(old.id());
            }
        }
        for (Server s : wanted.values()) {
            Optional<Server> old = server(s.id());
            if (old.isEmpty()) {
                add(s);
            } else if (old.get().weight() != s.weight()) {
                setWeight(s.id(), s.weight());
            }
        }
    }

    @Override
    public void setWeight(String serverId, int weight) {
        Checks.inRange("weight", weight, 0, Server.MAX_WEIGHT);
        operate(serverId, m -> {
            int old = m.server.weight();
            if (old == weight) {
                return null;
            }
            m.server = m.server.withWeight(weight);
            return "weight " + old + " -> " + weight + (weight == 0 ? " (quiesced)" : "");
        }, HealthEvent.Kind.WEIGHT_CHANGED);
    }

    @Override
    public void markDown(String serverId) {
        operate(serverId, m -> {
            if (m.adminDown) {
                return null;
            }
            m.adminDown = true;
            return "marked down";
        }, null);
    }

    @Override
    public void markUp(String serverId) {
        operate(serverId, m -> {
            if (!m.adminDown && !m.draining) {
                return null;
            }
            m.adminDown = false;
            m.draining = false;
            CompletableFuture<Void> f = m.drained;
            m.drained = null;
            if (f != null && !f.isDone()) {
                f.cancel(false);
            }
            startRamp(m, ticker.read());
            return "marked up";
        }, null);
    }

    @Override
    public CompletableFuture<Void> drain(String serverId) {
        Member[] target = new Member[1];
        operate(serverId, m -> {
            target[0] = m;
            if (m.draining) {
                return null;
            }
            m.draining = true;
            m.drained = new CompletableFuture<>();
            return "draining";
        }, null);
        Member m = target[0];
        CompletableFuture<Void> f = m.drained;
        if (f == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (m.inFlight() == 0) {
            f.complete(null);
        }
        return f;
    }

    private interface Change {
        /** @return the reason when something changed, null when nothing did */
        String apply(Member m);
    }

    private void operate(String serverId, Change change, HealthEvent.Kind kind) {
        Checks.notNull("serverId", serverId);
        ensureOpen();
        List<HealthEvent> events = new ArrayList<>();
        lock.lock();
        try {
            Member m = member(serverId);
            String reason = change.apply(m);
            if (reason == null) {
                return;
            }
            long now = ticker.read();
            if (kind != null) {
                events.add(new HealthEvent(name, m.server, kind, m.state, m.state, reason, now));
            }
            rebuild(now, events, m, reason);
        } finally {
            lock.unlock();
        }
        fire(events);
    }

    private Member member(String serverId) {
        Member m = members.get(serverId);
        if (m == null) {
            throw new IllegalArgumentException("pool '" + name + "' has no server with id '" + serverId + "'; members: "
                    + members.keySet());
        }
        return m;
    }

    @Override
    public List<Server> servers() {
        lock.lock();
        try {
            List<Server> list = new ArrayList<>(members.size());
            for (Member m : members.values()) {
                list.add(m.server);
            }
            return Collections.unmodifiableList(list);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Server> server(String serverId) {
        Checks.notNull("serverId", serverId);
        lock.lock();
        try {
            Member m = members.get(serverId);
            return m == null ? Optional.empty() : Optional.of(m.server);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public HealthState state(String serverId) {
        Checks.notNull("serverId", serverId);
        refreshIfDue();
        lock.lock();
        try {
            return member(serverId).state;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public EndpointStats stats(String serverId) {
        Checks.notNull("serverId", serverId);
        refreshIfDue();
        lock.lock();
        try {
            return member(serverId).stats();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<EndpointStats> stats() {
        refreshIfDue();
        lock.lock();
        try {
            List<EndpointStats> list = new ArrayList<>(members.size());
            for (Member m : members.values()) {
                list.add(m.stats());
            }
            return Collections.unmodifiableList(list);
        } finally {
            lock.unlock();
        }
    }

    /** The endpoints the current picker balances over (after tiers, panic and ejection), in pool order. */
    public List<Endpoint> eligible() {
        refreshIfDue();
        Member[] e = snapshot.eligible;
        List<Endpoint> list = new ArrayList<>(e.length);
        Collections.addAll(list, e);
        return Collections.unmodifiableList(list);
    }

    /** Whether the pool is in panic mode (balancing over unhealthy primaries because too few are healthy). */
    public boolean panicking() {
        refreshIfDue();
        lock.lock();
        try {
            return panicking;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void addListener(HealthListener listener) {
        listeners.add(Checks.notNull("listener", listener));
    }

    @Override
    public void removeListener(HealthListener listener) {
        listeners.remove(Checks.notNull("listener", listener));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsExecutors) {
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
            probeExecutor.shutdownNow();
        }
        snapshot = Snapshot.none(NoAvailableServerException.Reason.CLOSED, "the pool is closed");
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

    // ------------------------------------------------------------------ snapshots

    private Member newMember(Server server) {
        CircuitBreaker breaker = null;
        if (breakerConfig != null) {
            breaker = CircuitBreaker.of(name + "/" + server.id(), breakerConfig);
        }
        Member m = new Member(server, ticker, config.latencyDecay().toNanos(), breaker);
        if (breaker != null) {
            breaker.getEventPublisher().onStateTransition(e -> onBreakerTransition(m, e));
        }
        return m;
    }

    private long slowStartNanos(Member m) {
        return m.server.slowStart().orElse(config.slowStart()).toNanos();
    }

    private void startRamp(Member m, long now) {
        if (slowStartNanos(m) > 0) {
            m.ramping = true;
            m.rampStart = now;
        }
    }

    private void refreshIfDue() {
        long now = ticker.read();
        Snapshot s = snapshot;
        if (s.hasDeadline && now - s.deadline >= 0) {
            refreshIfFree(now);
        }
    }

    private Snapshot refreshIfFree(long now) {
        if (!lock.tryLock()) {
            return snapshot; // someone else is rebuilding; this pick uses the current snapshot
        }
        List<HealthEvent> events = new ArrayList<>();
        try {
            Snapshot s = snapshot;
            if (closed || !s.hasDeadline || now - s.deadline < 0) {
                return s;
            }
            rebuild(now, events);
        } finally {
            lock.unlock();
        }
        fire(events);
        return snapshot;
    }

    private void update(Member changed, String reason) {
        if (closed) {
            return;
        }
        List<HealthEvent> events = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            rebuild(ticker.read(), events, changed, reason);
        } finally {
            lock.unlock();
        }
        fire(events);
    }

    private void rebuild(long now, List<HealthEvent> events) {
        rebuild(now, events, null, "");
    }

    /**
     * Applies time-driven transitions, recomputes every member's state and weight, and publishes a new
     * snapshot. Caller holds the lock.
     */
    private void rebuild(long now, List<HealthEvent> events, Member changed, String changeReason) {
        long deadline = Long.MAX_VALUE;
        boolean hasDeadline = false;
        // 1. time-driven transitions
        for (Member m : members.values()) {
            if (m.passiveEjected) {
                long until = m.passiveSince + failTimeoutNanos(m);
                if (now - until >= 0) {
                    synchronized (m) {
                        m.passiveEjected = false;
                        m.probation = true;
                    }
                } else {
                    deadline = hasDeadline ? Math.min(deadline, until) : until;
                    hasDeadline = true;
                }
            }
            if (m.breaker != null && m.breakerOpen() && m.breaker.getState() == CircuitBreaker.State.OPEN) {
                // resilience4j moves OPEN -> HALF_OPEN lazily on a permission request after the wait
                if (m.breaker.tryAcquirePermission()) {
                    m.breaker.releasePermission();
                } else {
                    // resilience4j lets the first permission through strictly after the wait
                    long waitMillis = Math.min(breakerConfig.getWaitIntervalFunctionInOpenState().apply(1),
                            Long.MAX_VALUE / 4_000_000L); // saturate: a deadline, not an exact time
                    long until = m.breakerOpenSince + 1 + Math.max(1_000_000L, waitMillis * 1_000_000L);
                    if (until - now <= 0) {
                        until = now + 1_000_000L;
                    }
                    deadline = hasDeadline ? Math.min(deadline, until) : until;
                    hasDeadline = true;
                }
            }
            if (m.breaker != null) {
                m.gated = m.breaker.getState() == CircuitBreaker.State.HALF_OPEN;
            }
        }
        // 2. ejections, under the cap
        int total = members.size();
        int cap = Math.max(1, total * config.maxEjectionPercent() / 100);
        if (config.maxEjectionPercent() == 0) {
            cap = 0;
        }
        List<Member> wanting = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.wantsEjection() && !m.adminDown && !m.draining) {
                wanting.add(m);
            }
        }
        wanting.sort((a, b) -> Long.compare(a.ejectionSince() - now, b.ejectionSince() - now));
        Set<Member> ejectable = new HashSet<>(wanting.subList(0, Math.min(cap, wanting.size())));
        // 3. states
        List<Member> upPrimaries = new ArrayList<>();
        List<Member> upBackups = new ArrayList<>();
        List<Member> panicCandidates = new ArrayList<>();
        int primariesCounted = 0;
        int down = 0;
        int ejected = 0;
        int draining = 0;
        int quiesced = 0;
        for (Member m : members.values()) {
            HealthState before = m.state;
            HealthState after;
            if (m.adminDown) {
                after = HealthState.DOWN;
            } else if (m.draining) {
                after = HealthState.DRAINING;
            } else if (ejectable.contains(m)) {
                after = HealthState.EJECTED;
            } else {
                after = HealthState.UP;
            }
            if (after != HealthState.UP && before == HealthState.UP) {
                m.ramping = false;
            }
            if (after == HealthState.UP && before == HealthState.EJECTED) {
                startRamp(m, now);
            }
            if (after != before) {
                m.state = after;
                String reason = reasonFor(m, before, after, changed, changeReason);
                events.add(new HealthEvent(name, m.server, HealthEvent.Kind.STATE_CHANGED, before, after, reason, now));
                logTransition(m, before, after, reason);
            }
            if (m.wantsEjection() && after == HealthState.UP && !m.adminDown && !m.draining) {
                log.warn("pool '{}': {} should be ejected but {}% of the servers already are (maxEjectionPercent)",
                        name, m.id(), config.maxEjectionPercent());
            }
            // weights
            double w = m.server.weight();
            if (m.ramping) {
                long window = slowStartNanos(m);
                long elapsed = now - m.rampStart;
                if (window <= 0 || elapsed >= window) {
                    m.ramping = false;
                } else {
                    double frac = Math.pow(Math.max(0, (double) elapsed / window), 1.0 / config.slowStartAggression());
                    w = w * Math.max(config.slowStartMinWeightPercent() / 100.0, frac);
                    long step = Math.max(1_000_000L, window / 20);
                    long next = Math.min(now + step, m.rampStart + window);
                    deadline = hasDeadline ? Math.min(deadline, next) : next;
                    hasDeadline = true;
                }
            }
            m.weight = w;
            switch (after) {
                case DOWN:
                    down++;
                    break;
                case DRAINING:
                    draining++;
                    break;
                case EJECTED:
                    ejected++;
                    break;
                default:
                    break;
            }
            if (m.server.weight() == 0) {
                quiesced++;
                continue;
            }
            if (!m.server.backup()) {
                if (after == HealthState.UP || after == HealthState.EJECTED) {
                    primariesCounted++;
                    panicCandidates.add(m);
                }
                if (after == HealthState.UP) {
                    upPrimaries.add(m);
                }
            } else if (after == HealthState.UP) {
                upBackups.add(m);
            }
        }
        // 4. tiers and panic
        List<Member> chosen;
        boolean panic = false;
        int threshold = config.panicThresholdPercent();
        boolean belowThreshold = threshold > 0 && primariesCounted > 0
                && (long) upPrimaries.size() * 100 < (long) threshold * primariesCounted;
        if (belowThreshold && !(upPrimaries.isEmpty() && !upBackups.isEmpty())) {
            chosen = panicCandidates;
            panic = true;
        } else if (!upPrimaries.isEmpty()) {
            chosen = upPrimaries;
        } else {
            chosen = upBackups;
        }
        if (panic != panicking) {
            panicking = panic;
            if (panic) {
                log.warn("pool '{}' enters panic mode: {} of {} primaries healthy, under {}%; balancing over all {}",
                        name, upPrimaries.size(), primariesCounted, threshold, chosen.size());
            } else {
                log.info("pool '{}' leaves panic mode", name);
            }
        }
        for (Member m : members.values()) {
            m.eligible = false;
        }
        for (Member m : chosen) {
            m.eligible = true;
        }
        Snapshot next;
        if (chosen.isEmpty()) {
            NoAvailableServerException.Reason reason = total == 0 ? NoAvailableServerException.Reason.EMPTY
                    : NoAvailableServerException.Reason.NONE_AVAILABLE;
            String detail = total == 0 ? "the pool has no servers"
                    : describeNone(total, down, ejected, draining, quiesced);
            next = new Snapshot(null, new Member[0], reason, detail, hasDeadline, deadline);
            if (snapshot == null || snapshot.picker != null) {
                log.warn("pool '{}' has no available server: {}", name, detail);
            }
        } else {
            List<Endpoint> endpoints = Collections.unmodifiableList(new ArrayList<Endpoint>(chosen));
            Picker picker = strategy.newPicker(endpoints);
            if (picker == null) {
                throw new IllegalStateException("strategy " + strategy.name() + " returned a null picker");
            }
            next = new Snapshot(picker, chosen.toArray(new Member[0]), null, null, hasDeadline, deadline);
        }
        snapshot = next;
    }

    private static String describeNone(int total, int down, int ejected, int draining, int quiesced) {
        List<String> parts = new ArrayList<>();
        if (down > 0) {
            parts.add(down + " down");
        }
        if (ejected > 0) {
            parts.add(ejected + " ejected");
        }
        if (draining > 0) {
            parts.add(draining + " draining");
        }
        if (quiesced > 0) {
            parts.add(quiesced + " quiesced (weight 0)");
        }
        if (parts.size() == 1) {
            return "all " + total + " servers are " + parts.get(0).replaceFirst("^\\d+ ", "");
        }
        return "of " + total + " servers, " + String.join(", ", parts);
    }

    private static String reasonFor(Member m, HealthState before, HealthState after, Member changed, String changeReason) {
        if (m == changed) {
            return changeReason;
        }
        if (after == HealthState.EJECTED) {
            if (m.passiveEjected) {
                return m.passiveReason;
            }
            if (m.activeDown) {
                return "active health check failed: " + m.activeDetail;
            }
            return "circuit breaker open";
        }
        if (after == HealthState.UP && before == HealthState.EJECTED) {
            if (m.probation) {
                return "fail_timeout elapsed, trying again";
            }
            if (m.breaker != null) {
                return "circuit breaker " + m.breaker.getState();
            }
            return "active health check passed: " + m.activeDetail;
        }
        return after.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void logTransition(Member m, HealthState before, HealthState after, String reason) {
        if (after == HealthState.EJECTED) {
            log.warn("pool '{}': server {} ejected ({})", name, m.id(), reason);
        } else if (after == HealthState.UP && before == HealthState.EJECTED) {
            log.info("pool '{}': server {} restored ({})", name, m.id(), reason);
        } else {
            log.info("pool '{}': server {} {} -> {} ({})", name, m.id(), before, after, reason);
        }
    }

    private void fire(List<HealthEvent> events) {
        for (HealthEvent e : events) {
            for (HealthListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    log.warn("pool '{}': health listener {} threw on {}", name, l, e, ex);
                }
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One published state: the picker and what is needed to explain an empty pool. Immutable. */
    private static final class Snapshot {
        final Picker picker;
        final Member[] eligible;
        final Map<String, Member> byId;
        final NoAvailableServerException.Reason reason;
        final String detail;
        final boolean hasDeadline;
        final long deadline;

        Snapshot(Picker picker, Member[] eligible, NoAvailableServerException.Reason reason, String detail,
                 boolean hasDeadline, long deadline) {
            this.picker = picker;
            this.eligible = eligible;
            this.byId = new HashMap<>(eligible.length * 2);
            for (Member m : eligible) {
                byId.put(m.id(), m);
            }
            this.reason = reason;
            this.detail = detail;
            this.hasDeadline = hasDeadline;
            this.deadline = deadline;
        }

        static Snapshot none(NoAvailableServerException.Reason reason, String detail) {
            return new Snapshot(null, new Member[0], reason, detail, false, 0);
        }
    }

    /** The failure recorded in a circuit breaker when the caller gave no cause. */
    static final class ServerFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ServerFailure(String serverId) {
            super("call to " + serverId + " failed", null, false, false);
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

    /** Builds a {@link LoadBalancingPool}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private Strategy strategy;
        private PoolConfig config = PoolConfig.ofDefaults();
        private Ticker ticker = Ticker.system();
        private final Map<Server, Boolean> servers = new LinkedHashMap<>();
        private boolean scheduleHealthChecks = true;

        private Builder(String name) {
            this.name = name;
        }

        /** The balancing algorithm; one strategy instance per pool. Required. */
        public Builder strategy(Strategy strategy) {
            this.strategy = Checks.notNull("strategy", strategy);
            return this;
        }

        public Builder config(PoolConfig config) {
            this.config = Checks.notNull("config", config);
            return this;
        }

        /** The time source; tests pass a {@code ManualTicker}. Default {@link Ticker#system()}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Checks.notNull("ticker", ticker);
            return this;
        }

        /** An initial member (no slow start for initial members). */
        public Builder server(Server server) {
            return server(server, false);
        }

        /** An initial member, down (nginx {@code server ... down}) when {@code down}. */
        public Builder server(Server server, boolean down) {
            Checks.notNull("server", server);
            for (Server s : servers.keySet()) {
                if (s.id().equals(server.id())) {
                    throw new IllegalArgumentException("pool '" + name + "' already has a server with id '" + server.id() + "'");
                }
            }
            servers.put(server, down);
            return this;
        }

        /** Initial members. */
        public Builder servers(Iterable<Server> list) {
            Checks.notNull("servers", list);
            for (Server s : list) {
                server(s);
            }
            return this;
        }

        /**
         * Whether the pool schedules its active health checks itself (default true). With false, checks run
         * only when {@link LoadBalancingPool#checkHealthNow()} is called — for tests driven by hand.
         */
        public Builder scheduleHealthChecks(boolean schedule) {
            this.scheduleHealthChecks = schedule;
            return this;
        }

        /** @throws IllegalArgumentException when the strategy is missing */
        public LoadBalancingPool build() {
            if (strategy == null) {
                throw new IllegalArgumentException("strategy must be set for pool '" + name + "'");
            }
            return new LoadBalancingPool(this);
        }
    }
}
