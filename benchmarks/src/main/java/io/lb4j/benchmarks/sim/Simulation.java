package io.lb4j.benchmarks.sim;

import io.lb4j.algorithms.Randoms;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolBuilder;
import io.lb4j.pool.PoolConfig;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic discrete-event simulation of one client balancing Poisson traffic over N servers
 * through the real {@link LoadBalancingPool} and a real {@link Strategy}.
 *
 * <p>Each server is a FIFO queue with {@code c} workers whose service times are drawn from the
 * configured distribution. Every request goes {@code pool.acquire(ctx)} → queue on the picked server →
 * completion event → {@code lease.success(latency)} or {@code lease.failure(cause, latency)}, so in-flight
 * counts, the peak-EWMA latency and passive health all see what they would see in production. The
 * simulation's own virtual clock drives a {@link ManualTicker} handed to the pool and the strategy;
 * nothing sleeps, and the same seed gives the same result on any machine.
 *
 * <p>Requests carry a hash key drawn from 1,024 user ids, so hashing strategies hash as they would.
 *
 * <p>Not thread-safe: one run at a time per instance (runs are cheap; make one per thread).
 */
public final class Simulation {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long FAST_FAILURE_NANOS = 1_000_000L; // 1 ms: refused or an immediate 5xx
    private static final int KEYS = 1024;
    private static final RuntimeException SERVER_ERROR = new ServerError("simulated 5xx");
    private static final RuntimeException REFUSED = new ServerError("simulated connection refused");
    private static final RuntimeException RESET = new ServerError("simulated connection reset (server died)");

    private static final int ARRIVAL = 0;
    private static final int DONE = 1;
    private static final int FAILED = 2;
    private static final int KILL = 3;
    private static final int REVIVE = 4;
    private static final int JOIN = 5;

    private final SimConfig config;
    private final StrategyFactory factory;
    private final PickContext[] contexts = new PickContext[KEYS];

    /**
     * @param config  the system to simulate
     * @param factory makes the strategy for each run
     */
    public Simulation(SimConfig config, StrategyFactory factory) {
        if (config == null || factory == null) {
            throw new IllegalArgumentException("config and factory must not be null, were " + config + ", " + factory);
        }
        this.config = config;
        this.factory = factory;
        for (int i = 0; i < KEYS; i++) {
            contexts[i] = PickContext.ofKey("user-" + i);
        }
    }

    public SimConfig config() {
        return config;
    }

    /** Runs one scenario with one strategy and returns what it measured. */
    public SimResult run(Scenario scenario, String strategyName) {
        if (scenario == null || strategyName == null) {
            throw new IllegalArgumentException("scenario and strategyName must not be null, were " + scenario + ", "
                    + strategyName);
        }
        return new Run(scenario, strategyName).execute();
    }

    /** One run's mutable state. */
    private final class Run {
        final Scenario scenario;
        final String strategyName;
        final ManualTicker ticker = new ManualTicker(NANOS_PER_SECOND);
        final long base = ticker.read();
        final SplittableRandom arrivals;
        final SplittableRandom service;
        final SplittableRandom faults;
        final PriorityQueue<Event> events = new PriorityQueue<>();
        final List<SimServer> servers = new ArrayList<>();
        final Map<String, SimServer> byId = new HashMap<>();
        final long end;
        final long warmupEnd;
        final double meanServiceNanos;
        final double arrivalMeanGapNanos;
        final Histogram histogram = new Histogram(3);
        LoadBalancingPool pool;
        long now;
        long seq;
        long requests;
        long failures;
        long rejected;
        long firstEjection = -1;
        long requestsAfterEjection;
        long errorsAfterEjection;

        Run(Scenario scenario, String strategyName) {
            this.scenario = scenario;
            this.strategyName = strategyName;
            long seed = config.seed() * 0x9E3779B97F4A7C15L + scenario.ordinal();
            SplittableRandom root = new SplittableRandom(seed);
            this.arrivals = root.split();
            this.service = root.split();
            this.faults = root.split();
            this.end = (long) (config.durationSeconds() * NANOS_PER_SECOND);
            this.warmupEnd = (long) (config.warmupSeconds() * NANOS_PER_SECOND);
            this.meanServiceNanos = config.meanServiceMillis() * 1_000_000.0;
            this.arrivalMeanGapNanos = NANOS_PER_SECOND / config.arrivalRatePerSecond();
        }

        SimResult execute() {
            Strategy strategy = factory.create(strategyName, Randoms.seeded(config.seed() ^ 0x5DEECE66DL), ticker);
            PoolBuilder builder = LoadBalancingPool.builder("sim")
                    .strategy(strategy)
                    .config(scenario == Scenario.FAILS_FAST_UNGUARDED
                            ? PoolConfig.from(config.poolConfig()).passiveHealth(PassiveHealth.disabled()).build()
                            : config.poolConfig())
                    .ticker(ticker);
            int n = config.servers();
            for (int i = 0; i < n; i++) {
                boolean joinsLater = scenario == Scenario.COLD_JOIN && i == n - 1 && n > 1;
                Server.Builder sb = Server.builder("server-" + i, 8080).id("s" + i);
                if (joinsLater) {
                    sb.slowStart(Duration.ofSeconds(20));
                }
                SimServer s = new SimServer(i, sb.build(), config.workersPerServer());
                servers.add(s);
                byId.put(s.server.id(), s);
                if (!joinsLater) {
                    builder.server(s.server);
                    s.joined = true;
                }
            }
            pool = builder.build();
            pool.addListener(this::onHealthEvent);
            try {
                schedule(nextGap(), ARRIVAL, null, null);
                long third = (long) (end * 0.3);
                if (scenario == Scenario.DIES_AND_RECOVERS) {
                    schedule(third, KILL, servers.get(0), null);
                    schedule((long) (end * 0.6), REVIVE, servers.get(0), null);
                } else if (scenario == Scenario.COLD_JOIN && n > 1) {
                    schedule(third, JOIN, servers.get(n - 1), null);
                }
                Event e;
                while ((e = events.poll()) != null) {
                    advanceTo(e.time);
                    switch (e.kind) {
                        case ARRIVAL:
                            arrive();
                            break;
                        case DONE:
                            done(e.request);
                            break;
                        case FAILED:
                            fail(e.request, e.request.cause);
                            break;
                        case KILL:
                            kill(e.server);
                            break;
                        case REVIVE:
                            e.server.dead = false;
                            break;
                        case JOIN:
                            e.server.joined = true;
                            e.server.joinedAt = now;
                            pool.add(e.server.server);
                            break;
                        default:
                            throw new IllegalStateException("unknown event kind " + e.kind);
                    }
                }
            } finally {
                pool.close();
            }
            Map<String, Long> picks = new LinkedHashMap<>();
            for (SimServer s : servers) {
                picks.put(s.server.id(), s.picks);
            }
            return new SimResult(strategyName, scenario, histogram, requests, failures, rejected, requestsAfterEjection,
                    errorsAfterEjection, firstEjection < 0 ? Double.NaN : (double) firstEjection / NANOS_PER_SECOND,
                    picks);
        }

        void onHealthEvent(HealthEvent event) {
            if (firstEjection < 0 && event.kind() == HealthEvent.Kind.STATE_CHANGED
                    && event.current() == HealthState.EJECTED) {
                firstEjection = now;
            }
        }

        void advanceTo(long time) {
            if (time > now) {
                ticker.advance(Duration.ofNanos(time - now));
                now = time;
            }
        }

        long nextGap() {
            return Math.max(1, (long) (-arrivalMeanGapNanos * Math.log(1.0 - arrivals.nextDouble())));
        }

        void schedule(long time, int kind, SimServer server, Request request) {
            events.add(new Event(time, seq++, kind, server, request));
        }

        boolean counted(Request r) {
            return r.arrival >= warmupEnd;
        }

        void arrive() {
            long next = now + nextGap();
            if (next < end) {
                schedule(next, ARRIVAL, null, null);
            }
            Request r = new Request(now);
            if (counted(r)) {
                requests++;
                if (firstEjection >= 0) {
                    requestsAfterEjection++;
                }
            }
            PickContext ctx = contexts[arrivals.nextInt(KEYS)];
            Lease lease;
            try {
                lease = pool.acquire(ctx);
            } catch (NoAvailableServerException ex) {
                if (counted(r)) {
                    rejected++;
                    if (firstEjection >= 0) {
                        errorsAfterEjection++;
                    }
                }
                return;
            }
            r.lease = lease;
            r.afterEjection = firstEjection >= 0;
            SimServer s = byId.get(lease.server().id());
            if (counted(r)) {
                s.picks++;
            }
            r.server = s;
            if (s.dead) {
                r.cause = REFUSED;
                schedule(now + FAST_FAILURE_NANOS, FAILED, s, r);
                return;
            }
            if (scenario == Scenario.FAIL_FAST && s.index == 0 && faults.nextDouble() < 0.5
                    || scenario == Scenario.FAILS_FAST_UNGUARDED && s.index == 0) {
                r.cause = SERVER_ERROR;
                schedule(now + FAST_FAILURE_NANOS, FAILED, s, r);
                return;
            }
            if (s.busy < s.workers) {
                startService(s, r);
            } else {
                s.queue.addLast(r);
            }
        }

        void startService(SimServer s, Request r) {
            s.busy++;
            s.inService.add(r);
            schedule(now + serviceTime(s), DONE, s, r);
        }

        long serviceTime(SimServer s) {
            double mean = meanServiceNanos;
            if (scenario == Scenario.ONE_SLOW && s.index == 0) {
                mean *= 10;
            } else if (scenario == Scenario.COLD_JOIN && s.joinedAt >= 0) {
                double warm = (double) (now - s.joinedAt) / (20.0 * NANOS_PER_SECOND);
                mean *= 1 + 4 * Math.max(0, 1 - warm);
            }
            double x;
            if (config.distribution() == SimConfig.Distribution.EXPONENTIAL) {
                x = -mean * Math.log(1.0 - service.nextDouble());
            } else {
                double sigma = config.logNormalSigma();
                double mu = Math.log(mean) - sigma * sigma / 2;
                x = Math.exp(mu + sigma * service.nextGaussian());
            }
            return Math.max(1, (long) x);
        }

        void done(Request r) {
            if (r.finished) {
                return; // failed when its server died
            }
            r.finished = true;
            SimServer s = r.server;
            s.inService.remove(r);
            s.busy--;
            long latency = now - r.arrival;
            r.lease.success(latency);
            if (counted(r)) {
                histogram.recordValue(Math.max(1, latency / 1000));
            }
            Request next = s.queue.pollFirst();
            if (next != null) {
                startService(s, next);
            }
        }

        void fail(Request r, RuntimeException cause) {
            if (r.finished) {
                return;
            }
            r.finished = true;
            r.lease.failure(cause, now - r.arrival);
            if (counted(r)) {
                failures++;
                if (r.afterEjection) {
                    errorsAfterEjection++;
                }
            }
        }

        void kill(SimServer s) {
            s.dead = true;
            for (Request r : new ArrayList<>(s.inService)) {
                fail(r, RESET);
            }
            s.inService.clear();
            s.busy = 0;
            Request r;
            while ((r = s.queue.pollFirst()) != null) {
                fail(r, RESET);
            }
        }
    }

    private static final class SimServer {
        final int index;
        final Server server;
        final int workers;
        final ArrayDeque<Request> queue = new ArrayDeque<>();
        final List<Request> inService = new ArrayList<>();
        int busy;
        boolean dead;
        boolean joined;
        long joinedAt = -1;
        long picks;

        SimServer(int index, Server server, int workers) {
            this.index = index;
            this.server = server;
            this.workers = workers;
        }
    }

    private static final class Request {
        final long arrival;
        Lease lease;
        SimServer server;
        RuntimeException cause;
        boolean finished;
        boolean afterEjection;

        Request(long arrival) {
            this.arrival = arrival;
        }
    }

    private static final class Event implements Comparable<Event> {
        final long time;
        final long seq;
        final int kind;
        final SimServer server;
        final Request request;

        Event(long time, long seq, int kind, SimServer server, Request request) {
            this.time = time;
            this.seq = seq;
            this.kind = kind;
            this.server = server;
            this.request = request;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** The failure handed to {@code lease.failure}: no stack trace, shared. */
    private static final class ServerError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ServerError(String message) {
            super(message, null, false, false);
        }
    }
}
