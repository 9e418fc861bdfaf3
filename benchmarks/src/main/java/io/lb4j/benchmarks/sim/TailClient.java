package io.lb4j.benchmarks.sim;

import io.lb4j.api.Lease;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import io.lb4j.okhttp.HedgingConfig;
import io.lb4j.okhttp.LatencyPercentile;
import io.lb4j.okhttp.RetryBudget;
import io.lb4j.okhttp.RetryBudgetConfig;
import io.lb4j.pool.LoadBalancingPool;

import java.util.SplittableRandom;

import static io.lb4j.benchmarks.sim.TailEvents.ARRIVAL;
import static io.lb4j.benchmarks.sim.TailEvents.DRAINED;
import static io.lb4j.benchmarks.sim.TailEvents.HEDGE;
import static io.lb4j.benchmarks.sim.TailEvents.SECOND;
import static io.lb4j.benchmarks.sim.TailEvents.TIMEOUT;

/**
 * The client side of {@link TailSimulation}: Poisson arrivals picked through the real {@link LoadBalancingPool};
 * a hedge after the p-th percentile of recent latency (lb-okhttp's {@link LatencyPercentile}) within the hedge
 * {@link RetryBudget}; a retry on another server after a timeout within the retry budget; the first answer
 * wins and the losing try is treated as {@link TailSimulation.Loser} says.
 *
 * <p>Not thread-safe: used by one single-threaded simulation run.
 */
final class TailClient {
    private final TailSetup setup;
    private final TailSimulation.Loser loser;
    private final TailEvents events;
    private final TailServers servers;
    private final TailTally tally;
    private final SplittableRandom arrivals;
    private final LatencyPercentile latency;
    private final RetryBudget hedgeBudget;
    private final RetryBudget retryBudget;
    private final long warmup;
    private final double gapNanos;
    private LoadBalancingPool pool;

    /**
     * @param arrivals the random source of arrivals, shared with other clients' traffic on the servers
     */
    TailClient(TailSetup setup, TailSimulation.Loser loser, TailEvents events, TailServers servers, TailTally tally,
               SplittableRandom arrivals) {
        this.setup = setup;
        this.loser = loser;
        this.events = events;
        this.servers = servers;
        this.tally = tally;
        this.arrivals = arrivals;
        this.warmup = (long) (setup.warmupSeconds() * SECOND);
        double spareRate = 0; // requests per second the servers can take beyond the other clients' traffic
        for (double s : setup.spare()) {
            spareRate += s * setup.workers() * 1000.0 / setup.meanServiceMillis();
        }
        this.gapNanos = SECOND / (setup.utilisation() * spareRate);
        this.latency = setup.hedgePercentile() > 0
                ? new LatencyPercentile(setup.hedgePercentile(), HedgingConfig.DEFAULT_WINDOW.toNanos(), events.ticker)
                : null;
        this.hedgeBudget = new RetryBudget("hedge", HedgingConfig.DEFAULT_BUDGET, events.ticker);
        this.retryBudget = new RetryBudget("retry", RetryBudgetConfig.ofDefaults(), events.ticker);
    }

    /** The pool the client picks through, built once the servers are known. */
    void pool(LoadBalancingPool pool) {
        this.pool = pool;
    }

    long gap() {
        return Math.max(1, (long) (-gapNanos * Math.log(1.0 - arrivals.nextDouble())));
    }

    void arrive() {
        long now = events.now();
        long next = now + gap();
        if (next < events.end) {
            events.schedule(next, ARRIVAL, null, null);
        }
        TailRequest r = new TailRequest(now);
        if (r.counted = now >= warmup) {
            tally.arrived(now);
        }
        hedgeBudget.deposit();
        retryBudget.deposit();
        TailAttempt a = send(r, PickContext.none());
        if (a == null) {
            finish(r, false);
            return;
        }
        if (latency != null) {
            long p = latency.estimate(HedgingConfig.MIN_SAMPLES);
            long delay = p < 0 ? HedgingConfig.DEFAULT_INITIAL_DELAY.toNanos() : Math.max(p, 1_000_000);
            events.schedule(now + delay, HEDGE, null, a);
        }
    }

    TailAttempt send(TailRequest r, PickContext ctx) {
        Lease lease;
        try {
            lease = pool.acquire(ctx);
        } catch (NoAvailableServerException e) {
            return null;
        }
        TailServer s = servers.get(Integer.parseInt(lease.server().id().substring(1)));
        if (r.counted) {
            s.picks++;
        }
        long now = events.now();
        TailAttempt a = new TailAttempt(r, s, lease, now);
        r.tried.add(lease.server().id());
        servers.enqueue(s, a);
        if (setup.timeoutMillis() > 0) {
            events.schedule(now + setup.timeoutMillis() * 1_000_000, TIMEOUT, s, a);
        }
        return a;
    }

    /** The server answered {@code a} (its worker already freed): the first answer wins, the loser is let go. */
    void done(TailAttempt a) {
        long now = events.now();
        if (a.draining) {
            a.draining = false;
            a.lease.drop(); // the loser has ended: its server is free of it now
            return;
        }
        if (!a.abandoned) {
            a.abandoned = true;
            a.lease.success(now - a.start, a.server.report);
            TailRequest r = a.request;
            if (!r.finished) {
                if (latency != null) {
                    latency.record(now - r.arrival);
                }
                for (TailAttempt other : r.attempts) {
                    if (other != a && !other.abandoned) {
                        other.abandoned = true;
                        switch (loser) {
                            case LEAVES -> {
                                other.lease.drop();
                                servers.cancel(other);
                            }
                            case STAYS_DROPPED -> other.lease.drop(); // the server still works on it
                            default -> { // dropped when it ends, or at the drain timeout
                                other.draining = true;
                                events.schedule(now + HedgingConfig.DEFAULT_LOSER_DRAIN_TIMEOUT.toNanos(), DRAINED,
                                        other.server, other);
                            }
                        }
                    }
                }
                finish(r, true);
            }
        }
    }

    /** A loser still running at the drain timeout is cancelled: its lease is dropped, its server works on. */
    void drainTimeout(TailAttempt a) {
        if (a.draining) {
            a.draining = false;
            a.lease.drop();
        }
    }

    void hedge(TailRequest r) {
        if (r.finished || r.attempts.size() > 1 || !hedgeBudget.tryWithdraw()) {
            return;
        }
        if (send(r, PickContext.none().excluding(r.tried)) == null) {
            hedgeBudget.refund();
            return;
        }
        if (r.counted) {
            tally.hedged(r.arrival);
        }
    }

    void timeout(TailAttempt a) {
        if (a.abandoned) {
            return;
        }
        a.abandoned = true;
        a.lease.failure(new IllegalStateException("timeout"), events.now() - a.start);
        TailRequest r = a.request;
        if (r.finished || r.attempts.stream().anyMatch(o -> !o.abandoned)) {
            return; // a hedge is still running
        }
        if (retryBudget.tryWithdraw()) {
            if (send(r, PickContext.none().excluding(r.tried)) != null) {
                if (r.counted) {
                    tally.retried(r.arrival);
                }
                return;
            }
            retryBudget.refund();
        }
        finish(r, false);
    }

    void finish(TailRequest r, boolean ok) {
        r.finished = true;
        if (r.counted) {
            tally.finished(ok, events.now() - r.arrival);
        }
    }
}
