package io.lb4j.benchmarks.sim;

import io.lb4j.algorithms.Randoms;
import io.lb4j.api.Lease;
import io.lb4j.api.LoadReport;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.okhttp.HedgingConfig;
import io.lb4j.okhttp.LatencyPercentile;
import io.lb4j.okhttp.RetryBudget;
import io.lb4j.okhttp.RetryBudgetConfig;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolBuilder;
import io.lb4j.pool.PoolConfig;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * The discrete-event simulation behind issue 14's scenarios: one client balancing Poisson traffic through
 * the real {@link LoadBalancingPool} over FIFO servers of different capacities, some also serving other
 * clients; servers report their load (utilization and requests per second over the last half second, as an
 * ORCA {@link LoadReport} on every response); the client may hedge (after the p-th percentile of recent
 * latency from lb-okhttp's real {@link LatencyPercentile}, within the real 5% {@link RetryBudget} of
 * {@link HedgingConfig#DEFAULT_BUDGET}) and retry after a timeout (within the default retry budget).
 *
 * <p>A timed-out try is not taken back from its server; what happens to the losing try of a hedge is chosen
 * per run ({@link Loser}): it leaves its server at once (an HTTP/2 stream reset that the application
 * honours), or its server keeps working on it (a cancelled HTTP/1.1 request is not known to the server until
 * it writes) with its lease either dropped at once (lb-okhttp's {@link HedgingConfig.Builder#cancelLosers()})
 * or held in flight until the try ends, as lb-okhttp's default {@link HedgingConfig#loserDrainTimeout()} does.
 * Latency is measured from arrival to the first answer. Virtual time, seeded randomness: the same setup
 * gives the same result anywhere.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class TailSimulation {
    private static final long SECOND = 1_000_000_000L;
    private static final long SAMPLE_NANOS = SECOND / 2;
    private static final int ARRIVAL = 0, DONE = 1, HEDGE = 2, TIMEOUT = 3, SAMPLE = 4, BACKGROUND = 5,
            DRAINED = 6;

    /** What one run measured. */
    public record Result(Histogram latencyMicros, long requests, long failed, long hedges, long retries,
                         long slowdownRequests, long slowdownHedges, long slowdownRetries, long requestsBeforeSlowdown,
                         long[] picks) {
        public double p(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        public double hedgeShare() {
            return requests == 0 ? 0 : (double) hedges / requests;
        }

        public double retryShare() {
            return requests == 0 ? 0 : (double) retries / requests;
        }
    }

    /** What becomes of the losing try of a hedge. */
    public enum Loser {
        /** Cancelled, and its server lets it go at once (an HTTP/2 reset the application honours); lease dropped. */
        LEAVES,
        /**
         * Cancelled and its lease dropped at once, but its server keeps working on it (HTTP/1.1): the client no
         * longer counts it in flight while the server is still busy with it.
         */
        STAYS_DROPPED,
        /**
         * Left to finish (lb-okhttp's loser drain): its server keeps working on it and its lease stays in flight
         * until it ends (within the drain timeout, far above any service time here), then is dropped.
         */
        STAYS_HELD
    }

    private final TailSetup setup;
    private final Loser loser;

    /**
     * @param setup the scenario
     * @param loser what becomes of the losing try of a hedge
     */
    public TailSimulation(TailSetup setup, Loser loser) {
        this.setup = setup;
        this.loser = loser;
    }

    /** A simulation in which a losing try keeps its server busy and its lease in flight until it ends. */
    public TailSimulation(TailSetup setup) {
        this(setup, Loser.STAYS_HELD);
    }

    /**
     * Runs with a strategy made by {@code strategy} (from a seeded random source and the virtual ticker);
     * {@code weights} gives the servers' configured weights (null = all equal, as issue 14 configures them).
     */
    public Result run(BiFunction<Long, ManualTicker, Strategy> strategy, int[] weights) {
        return new Run(strategy, weights).execute();
    }

    private final class Run {
        final ManualTicker ticker = new ManualTicker(SECOND);
        final SplittableRandom arrivals;
        final SplittableRandom service;
        final PriorityQueue<Event> events = new PriorityQueue<>();
        final List<Srv> servers = new ArrayList<>();
        final Histogram histogram = new Histogram(3);
        final LatencyPercentile latency;
        final RetryBudget hedgeBudget;
        final RetryBudget retryBudget;
        final BiFunction<Long, ManualTicker, Strategy> strategyFactory;
        final int[] weights;
        final long end;
        final long warmup;
        final double gapNanos;
        LoadBalancingPool pool;
        long now;
        long seq;
        long requests;
        long failed;
        long hedges;
        long retries;
        long slowRequests;
        long slowHedges;
        long slowRetries;
        long beforeSlow;

        Run(BiFunction<Long, ManualTicker, Strategy> strategyFactory, int[] weights) {
            this.strategyFactory = strategyFactory;
            this.weights = weights;
            SplittableRandom root = new SplittableRandom(setup.seed());
            this.arrivals = root.split();
            this.service = root.split();
            this.end = (long) (setup.durationSeconds() * SECOND);
            this.warmup = (long) (setup.warmupSeconds() * SECOND);
            double spareRate = 0; // requests per second the servers can take beyond the other clients' traffic
            for (double s : setup.spare()) {
                spareRate += s * setup.workers() * 1000.0 / setup.meanServiceMillis();
            }
            this.gapNanos = SECOND / (setup.utilisation() * spareRate);
            this.latency = setup.hedgePercentile() > 0
                    ? new LatencyPercentile(setup.hedgePercentile(), HedgingConfig.DEFAULT_WINDOW.toNanos(), ticker) : null;
            this.hedgeBudget = new RetryBudget("hedge", HedgingConfig.DEFAULT_BUDGET, ticker);
            this.retryBudget = new RetryBudget("retry", RetryBudgetConfig.ofDefaults(), ticker);
        }

        Result execute() {
            PoolBuilder b = LoadBalancingPool.builder("tail").strategy(strategyFactory.apply(setup.seed(), ticker))
                    .config(PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build())
                    .ticker(ticker);
            for (int i = 0; i < setup.capacities().length; i++) {
                Srv s = new Srv(i, Server.builder("server-" + i, 8080).id("s" + i)
                        .weight(weights == null ? 1 : weights[i]).build(), setup.capacities()[i]);
                servers.add(s);
                b.server(s.server);
                if (setup.background()[i] > 0) {
                    schedule(backgroundGap(s), BACKGROUND, s, null);
                }
            }
            pool = b.build();
            try {
                schedule(gap(), ARRIVAL, null, null);
                schedule(SAMPLE_NANOS, SAMPLE, null, null);
                Event e;
                while ((e = events.poll()) != null) {
                    if (e.time > now) {
                        ticker.advance(Duration.ofNanos(e.time - now));
                        now = e.time;
                    }
                    switch (e.kind) {
                        case ARRIVAL -> arrive();
                        case DONE -> done(e.attempt);
                        case HEDGE -> hedge(e.attempt.request);
                        case TIMEOUT -> timeout(e.attempt);
                        case SAMPLE -> sample();
                        case DRAINED -> drainTimeout(e.attempt);
                        default -> background(e.server);
                    }
                }
            } finally {
                pool.close();
            }
            long[] picks = servers.stream().mapToLong(s -> s.picks).toArray();
            return new Result(histogram, requests, failed, hedges, retries, slowRequests, slowHedges, slowRetries,
                    beforeSlow, picks);
        }

        long gap() {
            return Math.max(1, (long) (-gapNanos * Math.log(1.0 - arrivals.nextDouble())));
        }

        long backgroundGap(Srv s) {
            double rate = s.capacity * setup.background()[s.index] * setup.workers() * 1000.0 / setup.meanServiceMillis();
            return now + Math.max(1, (long) (-SECOND / rate * Math.log(1.0 - arrivals.nextDouble())));
        }

        void schedule(long time, int kind, Srv server, Attempt attempt) {
            events.add(new Event(time, seq++, kind, server, attempt));
        }

        boolean inSlowdown(long t) {
            return t >= setup.slowdownFromSeconds() * SECOND && t < setup.slowdownToSeconds() * SECOND;
        }

        void arrive() {
            long next = now + gap();
            if (next < end) {
                schedule(next, ARRIVAL, null, null);
            }
            Request r = new Request(now);
            if (r.counted = now >= warmup) {
                requests++;
                slowRequests += inSlowdown(now) ? 1 : 0;
                long from = (long) (setup.slowdownFromSeconds() * SECOND);
                beforeSlow += now < from && now >= from - RetryBudgetConfig.DEFAULT_TTL.toNanos() ? 1 : 0;
            }
            hedgeBudget.deposit();
            retryBudget.deposit();
            Attempt a = send(r, PickContext.none());
            if (a == null) {
                finish(r, false);
                return;
            }
            if (latency != null) {
                long p = latency.estimate(HedgingConfig.MIN_SAMPLES);
                long delay = p < 0 ? HedgingConfig.DEFAULT_INITIAL_DELAY.toNanos() : Math.max(p, 1_000_000);
                schedule(now + delay, HEDGE, null, a);
            }
        }

        Attempt send(Request r, PickContext ctx) {
            Lease lease;
            try {
                lease = pool.acquire(ctx);
            } catch (NoAvailableServerException e) {
                return null;
            }
            Srv s = servers.get(Integer.parseInt(lease.server().id().substring(1)));
            if (r.counted) {
                s.picks++;
            }
            Attempt a = new Attempt(r, s, lease, now);
            r.tried.add(lease.server().id());
            enqueue(s, a);
            if (setup.timeoutMillis() > 0) {
                schedule(now + setup.timeoutMillis() * 1_000_000, TIMEOUT, s, a);
            }
            return a;
        }

        void enqueue(Srv s, Attempt a) {
            if (s.busy < setup.workers()) {
                start(s, a);
            } else {
                s.queue.addLast(a);
            }
        }

        void start(Srv s, Attempt a) {
            s.accumulate(now);
            s.busy++;
            a.inService = true;
            double mean = setup.meanServiceMillis() * 1_000_000 / s.capacity;
            if (inSlowdown(now)) {
                mean *= setup.slowdownFactor();
            }
            if (setup.slowProbability() > 0 && service.nextDouble() < setup.slowProbability()) {
                mean *= setup.slowFactor();
            }
            long t = Math.max(1, (long) (-mean * Math.log(1.0 - service.nextDouble())));
            schedule(now + t, DONE, s, a);
        }

        void done(Attempt a) {
            Srv s = a.server;
            if (a.gone) {
                return; // cancelled, and the server already let it go
            }
            s.completions++;
            release(s);
            if (a.request == null) {
                return; // other clients' request
            }
            if (a.draining) {
                a.draining = false;
                a.lease.drop(); // the loser has ended: its server is free of it now
                return;
            }
            if (!a.abandoned) {
                a.abandoned = true;
                a.lease.success(now - a.start, s.report);
                Request r = a.request;
                if (!r.finished) {
                    if (latency != null) {
                        latency.record(now - r.arrival);
                    }
                    for (Attempt other : r.attempts) {
                        if (other != a && !other.abandoned) {
                            other.abandoned = true;
                            switch (loser) {
                                case LEAVES -> {
                                    other.lease.drop();
                                    cancel(other);
                                }
                                case STAYS_DROPPED -> other.lease.drop(); // the server still works on it
                                default -> { // dropped when it ends, or at the drain timeout
                                    other.draining = true;
                                    schedule(now + HedgingConfig.DEFAULT_LOSER_DRAIN_TIMEOUT.toNanos(), DRAINED,
                                            other.server, other);
                                }
                            }
                        }
                    }
                    finish(r, true);
                }
            }
        }

        /** One worker of {@code s} becomes free: the next queued try starts. */
        void release(Srv s) {
            s.accumulate(now);
            s.busy--;
            Attempt next = s.queue.pollFirst();
            if (next != null) {
                start(s, next);
            }
        }

        /** A loser still running at the drain timeout is cancelled: its lease is dropped, its server works on. */
        void drainTimeout(Attempt a) {
            if (a.draining) {
                a.draining = false;
                a.lease.drop();
            }
        }

        /** The server notices the cancellation at once (an HTTP/2 RST_STREAM honoured by the application). */
        void cancel(Attempt a) {
            a.gone = true;
            if (a.inService) {
                release(a.server);
            } else {
                a.server.queue.remove(a);
            }
        }

        void hedge(Request r) {
            if (r.finished || r.attempts.size() > 1 || !hedgeBudget.tryWithdraw()) {
                return;
            }
            if (send(r, PickContext.none().excluding(r.tried)) == null) {
                hedgeBudget.refund();
                return;
            }
            if (r.counted) {
                hedges++;
                slowHedges += inSlowdown(r.arrival) ? 1 : 0;
            }
        }

        void timeout(Attempt a) {
            if (a.abandoned) {
                return;
            }
            a.abandoned = true;
            a.lease.failure(new IllegalStateException("timeout"), now - a.start);
            Request r = a.request;
            if (r.finished || r.attempts.stream().anyMatch(o -> !o.abandoned)) {
                return; // a hedge is still running
            }
            if (retryBudget.tryWithdraw()) {
                if (send(r, PickContext.none().excluding(r.tried)) != null) {
                    if (r.counted) {
                        retries++;
                        slowRetries += inSlowdown(r.arrival) ? 1 : 0;
                    }
                    return;
                }
                retryBudget.refund();
            }
            finish(r, false);
        }

        void finish(Request r, boolean ok) {
            r.finished = true;
            if (r.counted) {
                if (ok) {
                    histogram.recordValue(Math.max(1, (now - r.arrival) / 1000));
                } else {
                    failed++;
                }
            }
        }

        void background(Srv s) {
            Attempt a = new Attempt(null, s, null, now);
            enqueue(s, a);
            long next = backgroundGap(s);
            if (next < end) {
                schedule(next, BACKGROUND, s, null);
            }
        }

        /** Every server's ORCA report over the last half second: utilization and requests per second. */
        void sample() {
            for (Srv s : servers) {
                s.accumulate(now);
                double window = SAMPLE_NANOS;
                double utilization = Math.min(1.0, (s.busyNanos - s.lastBusyNanos) / (window * setup.workers()));
                double rps = (s.completions - s.lastCompletions) * (double) SECOND / window;
                s.lastBusyNanos = s.busyNanos;
                s.lastCompletions = s.completions;
                s.report = LoadReport.custom().cpuUtilization(Math.max(0, utilization)).rps(rps)
                        .requestsInFlight(s.busy + s.queue.size()).build();
            }
            if (now + SAMPLE_NANOS < end) {
                schedule(now + SAMPLE_NANOS, SAMPLE, null, null);
            }
        }
    }

    private static final class Srv {
        final int index;
        final Server server;
        final double capacity;
        final ArrayDeque<Attempt> queue = new ArrayDeque<>();
        int busy;
        long busyNanos; // integral of busy workers over time
        long lastChange;
        long lastBusyNanos;
        long completions;
        long lastCompletions;
        long picks;
        LoadReport report;

        void accumulate(long now) {
            busyNanos += busy * (now - lastChange);
            lastChange = now;
        }

        Srv(int index, Server server, double capacity) {
            this.index = index;
            this.server = server;
            this.capacity = capacity;
        }
    }

    private static final class Request {
        final long arrival;
        final List<Attempt> attempts = new ArrayList<>(2);
        final List<String> tried = new ArrayList<>(2);
        boolean counted;
        boolean finished;

        Request(long arrival) {
            this.arrival = arrival;
        }
    }

    private static final class Attempt {
        final Request request;
        final Srv server;
        final Lease lease;
        final long start;
        boolean abandoned;
        boolean draining;
        boolean inService;
        boolean gone;

        Attempt(Request request, Srv server, Lease lease, long start) {
            this.request = request;
            this.server = server;
            this.lease = lease;
            this.start = start;
            if (request != null) {
                request.attempts.add(this);
            }
        }
    }

    private record Event(long time, long seq, int kind, Srv server, Attempt attempt) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
