package io.lb4j.algorithms;

import io.lb4j.algorithms.ReportedWeights.ServerWeight;
import io.lb4j.api.Endpoint;
import io.lb4j.api.LoadReport;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.random.RandomGenerator;

/**
 * Weighted round robin by the load the servers report, faithful to gRFC A58 (gRPC's
 * {@code weighted_round_robin}): each server's weight is
 * <pre>  qps / (utilization + eps / qps × error_utilization_penalty)</pre>
 * from its latest {@link LoadReport} ({@link Endpoint#loadReport()}; utilization is the application
 * utilization when reported, the CPU utilization otherwise), and picks follow gRPC's static stride
 * schedule ({@link StaticStrideSchedule}) over those weights. A server that reports it serves many
 * requests at little utilization is big or idle and gets more traffic; one that is busy with other
 * clients' work gets less, which no client-side latency estimate can tell apart.
 *
 * <p>As A58: a server's weight counts only once it has reported for the {@code blackout_period}
 * (10 s; a new or restarted server's first reports are noisy); a weight not refreshed for the
 * {@code weight_expiration_period} (3 min) is dropped and the blackout starts again with the next
 * report; a report yielding weight 0 (no qps or no utilization) is ignored; servers without a usable
 * weight get the mean of the others' weights, so with no reports at all this is plain round robin.
 * Weights are clamped to [0.1, 10] × the mean by the schedule. Configured server weights are ignored
 * (the report supersedes them), but slow start is honoured: a ramping server's weight is multiplied by
 * its ramp ({@code weight() / server().weight()}). Every health feature composes, as for every strategy:
 * the pool decides which endpoints the picker sees.
 *
 * <p><b>Refreshing weights without a membership change</b> (A58 recomputes them every
 * {@code weight_update_period}, 1 s): the picker holds its schedule in a volatile field and the deadline
 * of the next update in another. Every 16th sequence number drawn, a pick reads the ticker; the first pick that
 * finds the deadline passed moves it one period ahead with a compare-and-set, and only the thread that
 * won the CAS recomputes the weights (O(n), a few microseconds for 100 servers) and publishes a new
 * schedule with one volatile write; every other pick, including concurrent ones, keeps using the current
 * schedule and never waits. There is no timer thread and nothing to close. A client sending fewer than
 * 16 requests per update period refreshes less often, which at that rate does not matter.
 *
 * <p>The pool keeps only each server's latest report, which the strategy samples at each weight update:
 * the blackout therefore runs from the first report seen at an update, up to one update period (1 s)
 * later than A58's, which counts from the first report received.
 *
 * <p>Per-server state (when reports began, when the weight was last refreshed) is kept in the strategy by
 * server id, so a republish keeps it; a server that leaves the eligible set loses it, as a gRPC subchannel
 * that stops being READY does, and goes through the blackout again when it returns. The sequence number
 * is kept in the strategy too, so a republish continues the rotation (gRPC-java issue #4462).
 *
 * <p><b>Cost:</b> per pick a {@code getAndIncrement} and a few multiplications, on average at most about
 * 10 sequence numbers (the clamp bounds the skip ratio), no allocation; one pick per update period
 * rebuilds the weights (O(n), allocating two arrays of n elements). O(n) per {@code newPicker}.
 *
 * <p><b>When not to use it:</b> when servers do not report load (this is then round robin: use
 * {@link PeakEwma} or {@link LeastRequest}, which learn from latency); when reports are slow to follow
 * load changes (a report that is seconds old steers for seconds); when the servers' utilization does not
 * measure what limits them; for a handful of requests per second, where reports are too sparse.
 * The {@code ticker} must be the pool's ({@code PoolContext.ticker()}), since report ages are measured on it.
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time; pickers are lock-free and
 * usable from any thread; the per-server weight record is updated under its own monitor, once per period.
 */
public final class ReportedLoadRoundRobin implements Strategy {
    /** Canonical name. */
    public static final String NAME = "reported-load-round-robin";
    /** Picks read the ticker once per this many sequence numbers (a power of two). */
    static final int CHECK_EVERY = 16;

    private final ReportedLoadConfig config;
    private final Ticker ticker;
    private final Sequence sequence;
    private final ReportedWeights weights;

    /** A58's defaults on the system ticker, starting at a random position. */
    public ReportedLoadRoundRobin() {
        this(ReportedLoadConfig.ofDefaults(), Ticker.system(), Randoms.threadLocal());
    }

    /**
     * @param config the settings
     * @param ticker the pool's ticker (report ages are measured on it)
     * @param random draws the starting sequence number once, here
     * @throws IllegalArgumentException if any argument is null
     */
    public ReportedLoadRoundRobin(ReportedLoadConfig config, Ticker ticker, RandomGenerator random) {
        this.config = EndpointArrays.notNull("config", config);
        this.weights = new ReportedWeights(config);
        this.ticker = EndpointArrays.notNull("ticker", ticker);
        this.sequence = new Sequence(EndpointArrays.notNull("random", random).nextInt());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings. */
    public ReportedLoadConfig config() {
        return config;
    }

    /** {@code false}: its pickers never read an endpoint's load (the pool stripes its counters per thread). */
    @Override
    public boolean readsLoad() {
        return false;
    }

    /**
     * @throws IllegalArgumentException if {@code endpoints} is null, empty or holds null, or two endpoints
     *                                  share a server id
     */
    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.checkedArray(NAME, endpoints);
        if (array.length == 1) {
            return new RoundRobin.SinglePicker(array[0]);
        }
        ServerWeight[] states = weights.states(array);
        double[] ramps = EndpointArrays.ramps(array);
        return new ReportedLoadPicker(this, array, states, ramps, ticker.read());
    }

    /** The A58 weight of one report: 0 when it carries no qps or no utilization. */
    static double weightOf(LoadReport r, double errorUtilizationPenalty) {
        return ReportedWeights.weightOf(r, errorUtilizationPenalty);
    }

    @Override
    public String toString() {
        return NAME + config;
    }

    /** The published picker: endpoints fixed, the schedule refreshed once per update period. */
    static final class ReportedLoadPicker implements Picker {
        private static final AtomicLongFieldUpdater<ReportedLoadPicker> NEXT_UPDATE =
                AtomicLongFieldUpdater.newUpdater(ReportedLoadPicker.class, "nextUpdate");

        private final ReportedLoadRoundRobin strategy;
        private final Endpoint[] endpoints;
        private final ServerWeight[] states;
        private final double[] ramps;
        private final long periodNanos;
        private volatile StaticStrideSchedule schedule;
        private volatile long nextUpdate;

        ReportedLoadPicker(ReportedLoadRoundRobin strategy, Endpoint[] endpoints, ServerWeight[] states, double[] ramps,
                           long now) {
            this.strategy = strategy;
            this.endpoints = endpoints;
            this.states = states;
            this.ramps = ramps;
            this.periodNanos = strategy.config.weightUpdatePeriod().toNanos();
            this.schedule = new StaticStrideSchedule(strategy.weights.weights(endpoints, states, ramps, now), strategy.sequence);
            this.nextUpdate = now + periodNanos;
        }

        @Override
        public Endpoint pick(PickContext context) {
            Sequence sequence = strategy.sequence;
            while (true) {
                int s = (int) sequence.getAndIncrement(); // the low 32 bits wrap as an int would
                if ((s & (CHECK_EVERY - 1)) == 0) {
                    maybeRefresh();
                }
                int i = schedule.chosen(s);
                if (i >= 0) {
                    return endpoints[i];
                }
            }
        }

        private void maybeRefresh() {
            long now = strategy.ticker.read();
            long next = nextUpdate;
            if (now - next >= 0 && NEXT_UPDATE.compareAndSet(this, next, now + periodNanos)) {
                schedule = new StaticStrideSchedule(strategy.weights.weights(endpoints, states, ramps, now), strategy.sequence);
            }
        }

        /** The current scaled weight of endpoint {@code i} (tests). */
        int scaledWeight(int i) {
            return schedule.scaledWeight(i);
        }
    }
}
