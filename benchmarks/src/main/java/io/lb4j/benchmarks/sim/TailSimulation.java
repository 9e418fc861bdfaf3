package io.lb4j.benchmarks.sim;

import io.lb4j.api.LoadReport;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.okhttp.HedgingConfig;
import io.lb4j.okhttp.LatencyPercentile;
import io.lb4j.okhttp.RetryBudget;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolBuilder;
import io.lb4j.pool.PoolConfig;
import org.HdrHistogram.Histogram;

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
        final TailEvents events;
        final TailServers servers;
        final TailTally tally;
        final TailClient client;
        final BiFunction<Long, ManualTicker, Strategy> strategyFactory;
        final int[] weights;

        Run(BiFunction<Long, ManualTicker, Strategy> strategyFactory, int[] weights) {
            this.strategyFactory = strategyFactory;
            this.weights = weights;
            SplittableRandom root = new SplittableRandom(setup.seed());
            SplittableRandom arrivals = root.split();
            SplittableRandom service = root.split();
            this.events = new TailEvents(setup);
            this.servers = new TailServers(setup, events, arrivals, service);
            this.tally = new TailTally(setup, events);
            this.client = new TailClient(setup, loser, events, servers, tally, arrivals);
        }

        Result execute() {
            PoolBuilder b = LoadBalancingPool.builder("tail").strategy(strategyFactory.apply(setup.seed(), events.ticker))
                    .config(PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build())
                    .ticker(events.ticker);
            for (int i = 0; i < setup.capacities().length; i++) {
                TailServer s = new TailServer(i, Server.builder("server-" + i, 8080).id("s" + i)
                        .weight(weights == null ? 1 : weights[i]).build(), setup.capacities()[i]);
                b.server(s.server);
                servers.add(s);
            }
            LoadBalancingPool pool = b.build();
            client.pool(pool);
            try {
                events.schedule(client.gap(), TailEvents.ARRIVAL, null, null);
                events.schedule(TailEvents.SAMPLE_NANOS, TailEvents.SAMPLE, null, null);
                TailEvents.Event e;
                while ((e = events.next()) != null) {
                    switch (e.kind()) {
                        case TailEvents.ARRIVAL -> client.arrive();
                        case TailEvents.DONE -> {
                            if (servers.complete(e.attempt())) {
                                client.done(e.attempt());
                            }
                        }
                        case TailEvents.HEDGE -> client.hedge(e.attempt().request);
                        case TailEvents.TIMEOUT -> client.timeout(e.attempt());
                        case TailEvents.SAMPLE -> servers.sample();
                        case TailEvents.DRAINED -> client.drainTimeout(e.attempt());
                        default -> servers.background(e.server());
                    }
                }
            } finally {
                pool.close();
            }
            return tally.result(servers.picks());
        }
    }
}
