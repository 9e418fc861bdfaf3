package io.lb4j.algorithms;

import io.lb4j.algorithms.ReportedWeights.ServerWeight;
import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.random.RandomGenerator;

/**
 * Weighted least request by reported load: gRFC A58's weights (as {@link ReportedLoadRoundRobin}: from each
 * server's {@link io.lb4j.api.LoadReport}, {@code qps / (utilization + eps / qps × error_utilization_penalty)},
 * with its blackout, expiration and mean-weight fallback) composed with the power of two choices on this
 * client's requests in flight, as Envoy's weighted {@code LEAST_REQUEST} (effective weight
 * {@code weight / (inFlight + 1)}, {@code source/common/upstream/load_balancer_impl.cc}) and in the spirit of
 * Google's Prequal (B. Wydrowski et al., "Load is not what you should balance: Introducing Prequal",
 * NSDI 2024: balance on requests in flight, not on CPU alone).
 *
 * <h2>Why both</h2>
 * A58's weight is a server's throughput per unit of busy time, that is its <em>capacity</em>, whoever else
 * loads it; it does not see <em>headroom</em>: a big server that other clients keep busy gets its capacity's
 * share all the same, and its queue grows. Requests in flight see the queue but not the capacity: least
 * request alone sends a 1× server as much as a 4× one until its queue builds. The product of the two is
 * the shortest expected delay (LVS {@code sed}): {@code (inFlight + 1) / weight} is how long a new request
 * waits on a server that serves {@code weight} requests per unit of time.
 *
 * <h2>The pick</h2>
 * <ol>
 * <li>the first candidate is drawn in proportion to the A58 weights (an alias table, as
 *     {@link WeightedRandom}), so a server can get more than the {@code 2/n} share uniform sampling would
 *     cap it at; the second uniformly among the <em>other</em> endpoints;</li>
 * <li>the candidate with the smaller {@code (load + 1) / weight} is kept, compared by cross-multiplication,
 *     the first on a tie; {@code load} is the requests in flight plus consecutive failures
 *     (as {@link LeastRequest}, so a server that fails fast does not look idle). Envoy's {@code + 1} is kept on
 *     purpose (unlike {@link LeastRequest}): with nothing in flight the bigger server answers sooner.</li>
 * </ol>
 * With no reports (or during the blackout) every weight is equal and this is Envoy's unweighted least
 * request (two distinct candidates, fewer in flight wins). Configured server weights are ignored, slow
 * start's ramp multiplies the weight, and every health feature composes: the pool decides which endpoints
 * the picker sees. Per-server A58 state lives in the strategy by server id, so a republish keeps it.
 *
 * <h2>Refreshing weights</h2>
 * As {@link ReportedLoadRoundRobin}: the picker holds the current weights and their alias table in one
 * volatile field and the deadline of the next update ({@code weight_update_period}, 1 s) in another. About one
 * pick in {@value #CHECK_EVERY} (a random draw, so picks write no shared counter) reads the ticker; the first
 * that finds the deadline passed moves it with a compare-and-set, and only the winner recomputes the
 * weights and publishes a new table; no pick ever waits.
 *
 * <p><b>Cost:</b> per pick four random draws, two in-flight reads and two multiplications, O(1) whatever
 * the pool size, no allocation, no shared write; about one pick in {@value #CHECK_EVERY} also reads the
 * ticker. One pick per update period rebuilds the weights and alias table (O(n), a few arrays of n elements).
 * O(n) per {@code newPicker}.
 *
 * <p><b>When not to use it:</b> when servers do not report load (use {@link LeastRequest} or {@link PeakEwma},
 * which this then equals or is outdone by); when the client sends its requests one at a time (nothing is in
 * flight at pick time: this is then weighted random by reported capacity); when every request must follow the
 * exact A58 schedule (interoperating with gRPC's {@code weighted_round_robin} shares:
 * use {@link ReportedLoadRoundRobin}). The {@code ticker} must be the pool's ({@code PoolContext.ticker()}),
 * since report ages are measured on it.
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time; pickers are lock-free and
 * usable from any thread; the injected {@link RandomGenerator} must be thread-safe
 * ({@link Randoms#threadLocal()} by default); a per-server weight record is updated under its own monitor,
 * once per period.
 */
public final class ReportedLoadLeastRequest implements Strategy {
    /** Canonical name. */
    public static final String NAME = "reported-load-least-request";
    /** About one pick in this many checks whether the weights are due (a power of two). */
    static final int CHECK_EVERY = 16;

    private final ReportedWeights weights;
    private final Ticker ticker;
    private final RandomGenerator random;

    /** A58's defaults on the system ticker, {@link Randoms#threadLocal()}. */
    public ReportedLoadLeastRequest() {
        this(ReportedLoadConfig.ofDefaults(), Ticker.system(), Randoms.threadLocal());
    }

    /**
     * @param config the A58 settings (blackout, expiration, update period, error penalty)
     * @param ticker the pool's ticker (report ages are measured on it)
     * @param random a thread-safe generator, used on every pick
     * @throws IllegalArgumentException if any argument is null
     */
    public ReportedLoadLeastRequest(ReportedLoadConfig config, Ticker ticker, RandomGenerator random) {
        this.weights = new ReportedWeights(EndpointArrays.notNull("config", config));
        this.ticker = EndpointArrays.notNull("ticker", ticker);
        this.random = EndpointArrays.notNull("random", random);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The A58 settings. */
    public ReportedLoadConfig config() {
        return weights.config();
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
        return new ReportedLoadLeastRequestPicker(this, array, states, EndpointArrays.ramps(array), ticker.read());
    }

    @Override
    public String toString() {
        return NAME + weights.config();
    }

    /** Weights and their alias table, published together. */
    private static final class Table {
        final double[] weights;
        final WeightedRandom.AliasTable alias;

        Table(Endpoint[] endpoints, double[] weights) {
            this.weights = weights;
            this.alias = WeightedRandom.AliasTable.build(endpoints, weights);
        }
    }

    /** The published picker: endpoints fixed, the weights refreshed once per update period. */
    static final class ReportedLoadLeastRequestPicker implements Picker {
        private static final AtomicLongFieldUpdater<ReportedLoadLeastRequestPicker> NEXT_UPDATE =
                AtomicLongFieldUpdater.newUpdater(ReportedLoadLeastRequestPicker.class, "nextUpdate");

        private final ReportedLoadLeastRequest strategy;
        private final Endpoint[] endpoints;
        private final ServerWeight[] states;
        private final double[] ramps;
        private final long periodNanos;
        private final RandomGenerator random;
        private volatile Table table;
        private volatile long nextUpdate;

        ReportedLoadLeastRequestPicker(ReportedLoadLeastRequest strategy, Endpoint[] endpoints, ServerWeight[] states,
                                       double[] ramps, long now) {
            this.strategy = strategy;
            this.endpoints = endpoints;
            this.states = states;
            this.ramps = ramps;
            this.random = strategy.random;
            this.periodNanos = strategy.weights.config().weightUpdatePeriod().toNanos();
            this.table = new Table(endpoints, strategy.weights.weights(endpoints, states, ramps, now));
            this.nextUpdate = now + periodNanos;
        }

        @Override
        public Endpoint pick(PickContext context) {
            RandomGenerator r = random;
            if (r.nextInt(CHECK_EVERY) == 0) {
                maybeRefresh();
            }
            Table t = table;
            Endpoint[] es = endpoints;
            double[] w = t.weights;
            int first = t.alias.sample(r);
            int second = r.nextInt(es.length - 1);
            if (second >= first) {
                second++;
            }
            double firstLoad = Math.max(0, EndpointArrays.load(es[first])) + 1.0;
            double secondLoad = Math.max(0, EndpointArrays.load(es[second])) + 1.0;
            // secondLoad / w[second] < firstLoad / w[first], by cross-multiplication
            return secondLoad * w[first] < firstLoad * w[second] ? es[second] : es[first];
        }

        private void maybeRefresh() {
            long now = strategy.ticker.read();
            long next = nextUpdate;
            if (now - next >= 0 && NEXT_UPDATE.compareAndSet(this, next, now + periodNanos)) {
                table = new Table(endpoints, strategy.weights.weights(endpoints, states, ramps, now));
            }
        }

        /** The current weight of endpoint {@code i} (tests). */
        double weight(int i) {
            return table.weights[i];
        }
    }
}
