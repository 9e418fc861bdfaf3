package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Strategies by name, for configuration files: {@code Strategies.byName("wlc")}. Every call returns a
 * <em>new</em> instance with default settings (a strategy may keep state across pickers and belongs to one
 * pool). Names are case-insensitive and surrounding white space is ignored.
 *
 * <table>
 * <caption>Names and aliases</caption>
 * <tr><th>canonical name</th><th>aliases</th><th>class</th></tr>
 * <tr><td>round-robin</td><td>rr</td><td>{@link RoundRobin}</td></tr>
 * <tr><td>weighted-round-robin</td><td>wrr</td><td>{@link WeightedRoundRobin}</td></tr>
 * <tr><td>random</td><td></td><td>{@link WeightedRandom}</td></tr>
 * <tr><td>least-connections</td><td>lc</td><td>{@link LeastConnections}</td></tr>
 * <tr><td>weighted-least-connections</td><td>wlc, least_conn</td><td>{@link WeightedLeastConnections}</td></tr>
 * <tr><td>shortest-expected-delay</td><td>sed</td><td>{@link ShortestExpectedDelay}</td></tr>
 * <tr><td>never-queue</td><td>nq</td><td>{@link NeverQueue}</td></tr>
 * <tr><td>least-request</td><td></td><td>{@link LeastRequest}</td></tr>
 * <tr><td>locality-least-connections</td><td>lblc</td><td>LocalityLeastConnections</td></tr>
 * <tr><td>locality-least-connections-replicated</td><td>lblcr</td><td>LocalityLeastConnectionsReplicated</td></tr>
 * <tr><td>destination-hash</td><td>dh, hash</td><td>DestinationHash</td></tr>
 * <tr><td>source-hash</td><td>sh, ip_hash</td><td>SourceHash</td></tr>
 * <tr><td>peak-ewma</td><td>p2c-ewma</td><td>PeakEwma</td></tr>
 * <tr><td>reported-load-round-robin</td><td>orca-wrr</td><td>{@link ReportedLoadRoundRobin} (system ticker)</td></tr>
 * <tr><td>reported-load-least-request</td><td>orca-p2c</td><td>{@link ReportedLoadLeastRequest} (system ticker)</td></tr>
 * </table>
 *
 * <p>The alias {@code least_conn} names nginx's {@code least_conn}, which is <em>weighted</em>
 * ({@code conns / weight}): {@code weighted-least-connections}. LVS's unweighted {@code lc} is
 * {@code least-connections}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Strategies {
    private static final Map<String, Supplier<Strategy>> BY_NAME = new LinkedHashMap<>();
    private static final List<String> CANONICAL = new ArrayList<>();

    static {
        register(RoundRobin::new, RoundRobin.NAME, "rr");
        register(WeightedRoundRobin::new, WeightedRoundRobin.NAME, "wrr");
        register(WeightedRandom::new, WeightedRandom.NAME);
        register(LeastConnections::new, LeastConnections.NAME, "lc");
        register(WeightedLeastConnections::new, WeightedLeastConnections.NAME, "wlc", "least_conn");
        register(ShortestExpectedDelay::new, ShortestExpectedDelay.NAME, "sed");
        register(NeverQueue::new, NeverQueue.NAME, "nq");
        register(LeastRequest::new, LeastRequest.NAME);
        register(LocalityLeastConnections::new, LocalityLeastConnections.NAME, "lblc");
        register(LocalityLeastConnectionsReplicated::new, LocalityLeastConnectionsReplicated.NAME, "lblcr");
        register(DestinationHash::new, DestinationHash.NAME, "dh", "hash");
        register(SourceHash::new, SourceHash.NAME, "sh", "ip_hash");
        register(PeakEwma::new, PeakEwma.NAME, "p2c-ewma");
        register(ReportedLoadRoundRobin::new, ReportedLoadRoundRobin.NAME, "orca-wrr");
        register(ReportedLoadLeastRequest::new, ReportedLoadLeastRequest.NAME, "orca-p2c");
    }

    private Strategies() {
    }

    private static void register(Supplier<Strategy> factory, String canonical, String... aliases) {
        CANONICAL.add(canonical);
        BY_NAME.put(canonical, factory);
        for (String alias : aliases) {
            BY_NAME.put(alias, factory);
        }
    }

    /**
     * A new strategy with default settings.
     *
     * @param name a canonical name or alias, case-insensitive
     * @return a new instance on every call
     * @throws IllegalArgumentException if {@code name} is null or unknown; the message lists the valid names
     */
    public static Strategy byName(String name) {
        Supplier<Strategy> factory = name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new IllegalArgumentException("strategy name must be one of " + String.join(", ", BY_NAME.keySet())
                    + " (case-insensitive), was " + (name == null ? "null" : "'" + name + "'"));
        }
        return factory.get();
    }

    /** Whether {@link #byName(String)} knows {@code name} (false for null). */
    public static boolean isKnown(String name) {
        return name != null && BY_NAME.containsKey(name.trim().toLowerCase(Locale.ROOT));
    }

    /** The canonical names, in registration order; unmodifiable. */
    public static List<String> names() {
        return Collections.unmodifiableList(CANONICAL);
    }

    /** Every accepted name, canonical names and aliases, in registration order; unmodifiable. */
    public static List<String> namesAndAliases() {
        return List.copyOf(BY_NAME.keySet());
    }
}
