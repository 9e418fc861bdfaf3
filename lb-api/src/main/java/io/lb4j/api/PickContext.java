package io.lb4j.api;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a caller knows about one request that may matter to the pick: an optional hash key (client
 * address, user id, URL path, session token) for the hashing and locality algorithms, an optional
 * preferred server (session persistence: HAProxy's {@code cookie SRV}, F5's persistence profiles), and
 * the servers to avoid (those already tried by this call's earlier attempts).
 *
 * <p>The key's 64-bit {@linkplain Hashing#hash64 hash} is computed once, when the context is built,
 * so a pick allocates and hashes nothing. A context may be reused for many picks.
 *
 * <p>Immutable and thread-safe.
 */
public final class PickContext {
    private static final PickContext NONE = new PickContext(null, 0L, null, Collections.emptySet());

    private final String hashKey;
    private final long keyHash;
    private final String preferredId;
    private final Set<String> excludedIds;

    private PickContext(String hashKey, long keyHash, String preferredId, Set<String> excludedIds) {
        this.hashKey = hashKey;
        this.keyHash = keyHash;
        this.preferredId = preferredId;
        this.excludedIds = excludedIds;
    }

    /** A context without key or exclusions. */
    public static PickContext none() {
        return NONE;
    }

    /** A context whose hash key is {@code key} (not null; may be empty). */
    public static PickContext ofKey(String key) {
        Checks.notNull("hashKey", key);
        return new PickContext(key, Hashing.hash64(key), null, Collections.emptySet());
    }

    /**
     * A copy of this context that also avoids the given server ids (a retry must not go to a server
     * this call already tried). The pool honours exclusions for every strategy.
     */
    public PickContext excluding(Collection<String> serverIds) {
        Checks.notNull("serverIds", serverIds);
        Set<String> ids = new LinkedHashSet<>(excludedIds);
        for (String id : serverIds) {
            ids.add(Checks.notNull("excluded server id", id));
        }
        return new PickContext(hashKey, keyHash, preferredId, Collections.unmodifiableSet(ids));
    }

    /**
     * A copy of this context that asks for one server by id (session persistence). The pool honours it
     * in O(1), without asking the strategy, when that server is eligible and not excluded; otherwise the
     * pick falls back to the strategy as usual. An id that names no member is simply not found: it can
     * never make the pool pick anything outside its members.
     *
     * @param serverId the preferred server's id, not null
     */
    public PickContext preferring(String serverId) {
        Checks.notNull("preferred server id", serverId);
        return new PickContext(hashKey, keyHash, serverId, excludedIds);
    }

    /** The preferred server's id, or {@code null} when there is none. */
    public String preferredId() {
        return preferredId;
    }

    /** Whether this context carries a hash key. */
    public boolean hasHashKey() {
        return hashKey != null;
    }

    /** The hash key, or {@code null} when there is none (see {@link #hasHashKey()}). */
    public String hashKey() {
        return hashKey;
    }

    /** The 64-bit hash of {@link #hashKey()}; {@code 0} when there is no key. */
    public long keyHash() {
        return keyHash;
    }

    /** Ids of servers this pick must avoid; unmodifiable, usually empty. */
    public Set<String> excludedIds() {
        return excludedIds;
    }

    @Override
    public String toString() {
        return "PickContext[" + (hashKey == null ? "no key" : "key=" + hashKey)
                + (preferredId == null ? "" : " preferring " + preferredId)
                + (excludedIds.isEmpty() ? "" : " excluding " + excludedIds) + "]";
    }
}
