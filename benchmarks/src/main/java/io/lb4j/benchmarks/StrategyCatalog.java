package io.lb4j.benchmarks;

import io.lb4j.algorithms.DestinationHash;
import io.lb4j.algorithms.HashingConfig;
import io.lb4j.algorithms.LeastConnections;
import io.lb4j.algorithms.LeastRequest;
import io.lb4j.algorithms.LocalityConfig;
import io.lb4j.algorithms.LocalityLeastConnections;
import io.lb4j.algorithms.LocalityLeastConnectionsReplicated;
import io.lb4j.algorithms.NeverQueue;
import io.lb4j.algorithms.PeakEwma;
import io.lb4j.algorithms.PeakEwmaConfig;
import io.lb4j.algorithms.Randoms;
import io.lb4j.algorithms.RoundRobin;
import io.lb4j.algorithms.ShortestExpectedDelay;
import io.lb4j.algorithms.SourceHash;
import io.lb4j.algorithms.ReportedLoadConfig;
import io.lb4j.algorithms.ReportedLoadLeastRequest;
import io.lb4j.algorithms.ReportedLoadRoundRobin;
import io.lb4j.algorithms.Strategies;
import io.lb4j.algorithms.WeightedLeastConnections;
import io.lb4j.algorithms.WeightedRandom;
import io.lb4j.algorithms.WeightedRoundRobin;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;
import io.lb4j.benchmarks.sim.StrategyFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The strategies the benchmarks, the simulation and the demo run, by name: every canonical name of
 * {@link Strategies#names()} (aliases such as {@code rr}, {@code wlc} accepted), plus
 * {@value #KETAMA} (destination hashing over a ketama ring instead of Maglev).
 *
 * <p>{@link #create(String)} is {@link Strategies#byName(String)} (production defaults: thread-local
 * random, system ticker); {@link #create(String, RandomGenerator,
 * Ticker)} builds the same class with a seeded random source and the given ticker, so that simulations
 * are reproducible.
 *
 * <p>Stateless and thread-safe.
 */
public final class StrategyCatalog {
    /** Destination hashing over a ketama ring (default points), for comparison with Maglev. */
    public static final String KETAMA = "destination-hash-ketama";

    private static final HashingConfig KETAMA_CONFIG = HashingConfig.custom().table(HashingConfig.Table.KETAMA).build();
    private StrategyCatalog() {
    }

    /** Every canonical strategy name, in the registry's order ({@link Strategies#names()}). */
    public static List<String> names() {
        return Strategies.names();
    }

    /** Every name {@link #create(String)} accepts: canonical names, aliases and {@link #KETAMA}. */
    public static List<String> accepted() {
        List<String> all = new ArrayList<>(Strategies.namesAndAliases());
        all.add(KETAMA);
        return List.copyOf(all);
    }

    /** The strategies the demo runs by default: six, eight seconds each, about a minute in all. */
    public static List<String> demoDefaults() {
        return List.of(RoundRobin.NAME, WeightedRandom.NAME, LeastConnections.NAME, NeverQueue.NAME,
                LeastRequest.NAME, PeakEwma.NAME);
    }

    /**
     * The canonical name of {@code name} (a canonical name or an alias, case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static String canonical(String name) {
        if (name == null) {
            throw new IllegalArgumentException("strategy name must not be null; one of " + accepted());
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals(KETAMA)) {
            return KETAMA;
        }
        if (Strategies.isKnown(n)) {
            return Strategies.byName(n).name();
        }
        throw new IllegalArgumentException("strategy name must be one of " + String.join(", ", accepted())
                + ", was '" + name + "'");
    }

    /** The canonical names of {@code names}, in order, without duplicates. */
    public static List<String> canonicalList(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String c = canonical(n);
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** A new strategy with production defaults, from {@link Strategies#byName(String)} where it knows the name. */
    public static Strategy create(String name) {
        String c = canonical(name);
        return c.equals(KETAMA) ? create(c, Randoms.threadLocal(), Ticker.system()) : Strategies.byName(c);
    }

    /** A new strategy of the same class with the given random source and ticker (reproducible runs). */
    public static Strategy create(String name, RandomGenerator random, Ticker ticker) {
        String c = canonical(name);
        switch (c) {
            case RoundRobin.NAME:
                return new RoundRobin(random);
            case WeightedRoundRobin.NAME:
                return new WeightedRoundRobin(random);
            case WeightedRandom.NAME:
                return new WeightedRandom(random);
            case LeastConnections.NAME:
                return new LeastConnections(random);
            case WeightedLeastConnections.NAME:
                return new WeightedLeastConnections(random);
            case ShortestExpectedDelay.NAME:
                return new ShortestExpectedDelay(random);
            case NeverQueue.NAME:
                return new NeverQueue(random);
            case LeastRequest.NAME:
                return new LeastRequest(random);
            case LocalityLeastConnections.NAME:
                return new LocalityLeastConnections(LocalityConfig.ofDefaults(), ticker);
            case LocalityLeastConnectionsReplicated.NAME:
                return new LocalityLeastConnectionsReplicated(LocalityConfig.ofDefaults(), ticker);
            case DestinationHash.NAME:
                return new DestinationHash(HashingConfig.ofDefaults(), random);
            case SourceHash.NAME:
                return new SourceHash(HashingConfig.ofDefaults(), random);
            case PeakEwma.NAME:
                return new PeakEwma(PeakEwmaConfig.ofDefaults(), random);
            case ReportedLoadRoundRobin.NAME:
                return new ReportedLoadRoundRobin(ReportedLoadConfig.ofDefaults(), ticker, random);
            case ReportedLoadLeastRequest.NAME:
                return new ReportedLoadLeastRequest(ReportedLoadConfig.ofDefaults(), ticker, random);
            case KETAMA:
                return new DestinationHash(KETAMA_CONFIG, random);
            default:
                throw new IllegalArgumentException("no seeded constructor known for strategy '" + c
                        + "'; add it to StrategyCatalog");
        }
    }

    /** {@link #create(String, RandomGenerator, Ticker)} as a simulation factory. */
    public static StrategyFactory factory() {
        return StrategyCatalog::create;
    }
}
