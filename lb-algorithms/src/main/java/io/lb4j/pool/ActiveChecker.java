package io.lb4j.pool;

import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Active health checking for one pool (HAProxy {@code check inter rise fall}): every interval a round
 * starts one probe per member, never more than one in flight per server; a probe that has not answered
 * within the timeout (counted from when it starts running, not while it waits for a probe thread) is
 * abandoned (its thread interrupted) and counts as failed, and while such a probe
 * still holds its thread no new probe of that server starts: each further round counts one more failure.
 *
 * <p>Threads: by default a single daemon timer thread ({@code lb4j-<pool>-health}) plus at most
 * {@link ActiveHealth#concurrency()} daemon probe threads ({@code lb4j-<pool>-probe-N}) that end when idle.
 * With an injected {@link ScheduledExecutorService}, rounds, timeouts and probes all run there (give it at
 * least two threads: a hung probe holds one) and {@link #close()} cancels this checker's tasks without
 * shutting it down. After {@code close()} every probe is interrupted; a probe that ignores interrupts
 * keeps its thread until it returns, but no new probe starts.
 *
 * <p>Results are handed to the pool's {@link Target}; anything a probe or the target throws is logged and
 * contained, so rounds never stop. Thread-safe.
 */
final class ActiveChecker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ActiveChecker.class);

    /** Where results go. */
    interface Target {
        /** Called once per settled probe, on a checker thread. */
        void onProbe(Member member, ProbeState.Change change, HealthCheckResult result);
    }

    private final ActiveHealth config;
    private final String pool;
    private final Supplier<Collection<Member>> members;
    private final Target target;
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService probes;
    private final boolean owned;
    private final Set<Probe> inFlight = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> schedule;
    private volatile boolean closed;

    ActiveChecker(ActiveHealth config, String pool, Supplier<Collection<Member>> members, Target target,
                  ScheduledExecutorService injected) {
        this.config = config;
        this.pool = pool;
        this.members = members;
        this.target = target;
        if (injected != null) {
            this.timer = injected;
            this.probes = injected;
            this.owned = false;
        } else {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, threads("lb4j-" + pool + "-health"));
            t.setRemoveOnCancelPolicy(true);
            this.timer = t;
            this.probes = new ProbeExecutor(config.concurrency(), threads("lb4j-" + pool + "-probe"));
            this.owned = true;
        }
    }

    /** Schedules a round every interval. */
    void start() {
        long every = config.interval().toNanos();
        schedule = timer.scheduleWithFixedDelay(this::scheduledRound, every, every, TimeUnit.NANOSECONDS);
    }

    private void scheduledRound() {
        try {
            round();
        } catch (Throwable t) { // a scheduled task that throws is never run again: contain everything
            log.error("pool '{}': active health check round failed; the next round runs as scheduled", pool, t);
        }
    }

    /**
     * Starts one round now.
     *
     * @return completes when every probe this round started (or counted) has settled
     */
    CompletableFuture<Void> round() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        for (Member m : members.get()) {
            if (closed) {
                break;
            }
            ProbeState state = m.probe;
            if (!state.probing.compareAndSet(false, true)) {
                CompletableFuture<Void> previous = state.current;
                if (previous != null && previous.isDone()) {
                    deliver(m, HealthCheckResult.fail("previous probe still running after the "
                            + config.timeout() + " timeout"));
                }
                continue;
            }
            Probe p = new Probe(m);
            state.current = p.settled;
            inFlight.add(p);
            settled.add(p.settled);
            try {
                p.future = probes.submit(p); // its timeout starts when it runs, not while it waits for a thread
            } catch (RejectedExecutionException e) { // closed meanwhile
                p.abandon(HealthCheckResult.fail("probe not started: health checking stopped"));
            }
        }
        return CompletableFuture.allOf(settled.toArray(new CompletableFuture[0]));
    }

    /** Runs a round and waits for it (bounded by the timeout plus a margin). */
    void roundAndWait() {
        CompletableFuture<Void> f = round();
        try {
            f.get(config.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("pool '{}': health check round did not settle", pool, e);
        }
    }

    private void deliver(Member m, HealthCheckResult r) {
        if (closed || m.removed) {
            return;
        }
        try {
            ProbeState.Change change = m.probe.apply(r, config.rise(), config.fall(), m.ticker.read());
            target.onProbe(m, change, r);
        } catch (Throwable t) {
            if (Failures.isFatal(t)) {
                throw t;
            }
            log.error("pool '{}': applying the health check result of {} failed", pool, m.id(), t);
        }
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> s = schedule;
        if (s != null) {
            s.cancel(false);
        }
        for (Probe p : inFlight) {
            p.abandon(HealthCheckResult.fail("health checking stopped"));
        }
        if (owned) {
            timer.shutdownNow();
            probes.shutdownNow();
        }
    }

    /** One probe of one member. */
    private final class Probe implements Runnable {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int ABANDONED = 2;

        final Member member;
        final CompletableFuture<Void> settled = new CompletableFuture<>();
        final AtomicInteger phase = new AtomicInteger(QUEUED);
        final java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        volatile Future<?> future;
        volatile Future<?> timeout;

        Probe(Member member) {
            this.member = member;
        }

        @Override
        public void run() {
            if (!phase.compareAndSet(QUEUED, RUNNING)) {
                return;
            }
            if (closed) {
                finish(HealthCheckResult.fail("health checking stopped"));
                return;
            }
            try {
                timeout = timer.schedule(this::timedOut, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                finish(HealthCheckResult.fail("health checking stopped"));
                return;
            }
            Server server = member.server;
            HealthCheckResult r;
            try {
                r = config.check().check(server, config.timeout());
                if (r == null) {
                    r = HealthCheckResult.fail("probe returned no result");
                }
            } catch (InterruptedException e) {
                r = HealthCheckResult.fail("probe interrupted");
            } catch (Throwable t) {
                if (Failures.isFatal(t)) {
                    finish(HealthCheckResult.fail("probe failed: " + t));
                    throw (Error) t;
                }
                r = HealthCheckResult.fail("probe failed: " + t);
            }
            finish(r);
        }

        private void finish(HealthCheckResult r) {
            inFlight.remove(this);
            member.probe.probing.set(false); // the probe has returned: the next round may start another
            settle(r);
            Future<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }

        void timedOut() {
            if (settle(HealthCheckResult.fail("probe timed out after " + config.timeout()))) {
                stop();
            }
        }

        /** Gives up on the probe: settles it with {@code r} (if not yet) and stops it. */
        void abandon(HealthCheckResult r) {
            settle(r);
            stop();
        }

        private void stop() {
            if (phase.compareAndSet(QUEUED, ABANDONED)) { // never started: nothing else will free the slot
                inFlight.remove(this);
                member.probe.probing.set(false);
            }
            Future<?> f = future;
            if (f != null) {
                f.cancel(true);
            }
            Future<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }

        /** Delivers the first result only; {@link #settled} completes once it has been applied. */
        private boolean settle(HealthCheckResult r) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            try {
                deliver(member, r);
            } finally {
                settled.complete(null);
            }
            return true;
        }
    }

    /** A bounded pool of probe threads that end when idle; scheduling goes to the timer. */
    private static final class ProbeExecutor extends ScheduledThreadPoolExecutor {
        ProbeExecutor(int threads, ThreadFactory factory) {
            super(threads, factory);
            setKeepAliveTime(1, TimeUnit.SECONDS);
            allowCoreThreadTimeOut(true);
            setRemoveOnCancelPolicy(true);
        }
    }

    static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
