package io.lb4j.algorithms;

import java.util.random.RandomGenerator;

/**
 * Destination hashing: the same request key (URL, object or cache key, tenant) always goes to the same
 * server while it is eligible, so that server's cache stays warm. LVS {@code dh} (ip_vs_dh.c) keys by
 * the destination address; nginx {@code hash $request_uri consistent} by any key. Here the key is
 * {@link io.lb4j.api.PickContext#hashKey()}.
 *
 * <p>Unlike LVS {@code dh} (a 256-bucket modulo table that reshuffles on every change), the lookup is a
 * consistent hash, chosen by {@link HashingConfig}: a Maglev table (default; Eisenbud et al., NSDI
 * 2016) or a ketama ring (nginx {@code consistent}). When a server leaves the eligible set (ejected,
 * drained, removed) only the keys it owned move, to the next candidate of their permutation (Maglev)
 * or the next point on the ring (ketama); the other keys stay put. Weights give proportional shares.
 *
 * <p>Without a hash key, a pick is weighted random (a random key is looked up), not nginx's
 * weighted round-robin fallback.
 *
 * <p><b>Cost.</b> Pick: O(1) for Maglev ({@code table[keyHash mod M]}), O(log points) for ketama;
 * lock-free, allocation-free. {@link #newPicker}: Maglev O(M log M) with M = 65537 by default; ketama
 * O(points) hashing plus a radix sort, {@code 1024 × Σ weight} points by default.
 *
 * <p><b>When not to use it.</b> When servers differ in capacity or load changes fast: hashing ignores
 * in-flight load, so a hot key overloads its server (use {@link LocalityLeastConnections} or
 * {@link LocalityLeastConnectionsReplicated}, which move keys off overloaded servers). When no key
 * exists, use a plain balancer. For client stickiness, {@link SourceHash} documents intent better.
 *
 * <p><b>Thread-safety.</b> Stateless between pickers; {@code newPicker} may be called from any
 * thread, its pickers are immutable and used by any number of threads.
 */
public final class DestinationHash extends HashStrategy {
    /** The canonical name. */
    public static final String NAME = "destination-hash";

    /** Maglev with 65537 slots; thread-local random for key-less picks. */
    public DestinationHash() {
        this(HashingConfig.ofDefaults(), Randoms.threadLocal());
    }

    /** Destination hashing with these table settings (Maglev or ketama, table size). */
    public DestinationHash(HashingConfig config) {
        this(config, Randoms.threadLocal());
    }

    /**
     * @param config the table to build
     * @param random the random source for picks without a hash key
     */
    public DestinationHash(HashingConfig config, RandomGenerator random) {
        super(NAME, config, random);
    }
}
