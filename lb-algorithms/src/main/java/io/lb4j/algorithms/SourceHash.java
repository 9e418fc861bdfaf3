package io.lb4j.algorithms;

import java.util.random.RandomGenerator;

/**
 * Source hashing, the stickiness algorithm: the same client (address, user id, session token) always
 * goes to the same server while that server is eligible. LVS {@code sh} (ip_vs_sh.c) keys by the
 * source address; nginx {@code ip_hash} by the client address (nginx {@code hash $cookie_session
 * consistent} by any key). Here the key is {@link io.lb4j.api.PickContext#hashKey()}.
 *
 * <p>The lookup is a consistent hash chosen by {@link HashingConfig}: a Maglev table (default;
 * Eisenbud et al., NSDI 2016) or a ketama ring. Unlike nginx {@code ip_hash} and LVS {@code sh}
 * (modulo tables over a fixed bucket count), a membership change moves only the clients of the server
 * that joined or left: when a server is ejected or drained its clients move to the next candidate of
 * their Maglev permutation (or the next ring point) and every other client stays where it is. LVS's
 * {@code sh-fallback} flag is therefore built in: the pool never hands an unavailable server to a
 * picker. Weights give proportional shares.
 *
 * <p>Without a hash key, a pick is weighted random (a random key is looked up), not nginx's
 * weighted round-robin fallback.
 *
 * <p><b>Cost.</b> Pick: O(1) for Maglev ({@code table[keyHash mod M]}), O(log points) for ketama;
 * lock-free, allocation-free. {@link #newPicker}: Maglev O(M log M) with M = 65537 by default; ketama
 * O(points) hashing plus a radix sort, {@code 1024 × Σ weight} points by default.
 *
 * <p><b>When not to use it.</b> When stickiness is not needed: hashing ignores in-flight load, so a
 * few heavy clients (or many clients behind one NAT address) overload one server, and a server that
 * returns after ejection takes its clients back at once. For cache locality by resource key,
 * {@link DestinationHash} documents intent better (the behaviour is identical).
 *
 * <p><b>Thread-safety.</b> Stateless between pickers; {@code newPicker} may be called from any
 * thread, its pickers are immutable and used by any number of threads.
 */
public final class SourceHash extends HashStrategy {
    /** The canonical name. */
    public static final String NAME = "source-hash";

    /** Maglev with 65537 slots; thread-local random for key-less picks. */
    public SourceHash() {
        this(HashingConfig.ofDefaults(), Randoms.threadLocal());
    }

    /** Source hashing with these table settings (Maglev or ketama, table size). */
    public SourceHash(HashingConfig config) {
        this(config, Randoms.threadLocal());
    }

    /**
     * @param config the table to build
     * @param random the random source for picks without a hash key
     */
    public SourceHash(HashingConfig config, RandomGenerator random) {
        super(NAME, config, random);
    }
}
