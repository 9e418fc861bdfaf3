package io.lb4j.algorithms;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The key table of the locality strategies: 64-bit key hash → {@link Entry}, bounded, with idle expiry.
 *
 * <h2>Shape</h2>
 * An 8-way set-associative table of {@code maxEntries} slots ({@code maxEntries / 8} buckets of 8),
 * like a CPU cache: a key lives in the bucket chosen by the top 32 bits of its hash (Lemire's
 * multiply-shift reduction), in any of the bucket's 8 ways. Keys are the 64-bit
 * {@link io.lb4j.api.PickContext#keyHash()}: two keys with the same 64-bit hash share an entry
 * (probability about {@code n² / 2⁶⁵}).
 *
 * <h2>Lookups (hit path)</h2>
 * Lock-free and allocation-free: up to 8 volatile reads, a key compare, and an expiry check. A hit
 * refreshes the entry's last use, writing only if the stored time is at least
 * {@link #TOUCH_GRANULARITY_NANOS} old, so hot keys do not bounce a cache line between cores on every
 * pick.
 *
 * <h2>Insertions (miss path)</h2>
 * Under a striped lock (one of up to 64), a new {@link Entry} (one allocation) replaces, in order of
 * preference: an entry of the same key, an empty way, an expired way, or the least recently used way
 * of the bucket. Eviction is thus exact LRU within a bucket and approximate LRU over the table: a key
 * may be evicted while other buckets still have room, when its own bucket holds 8 more recent keys.
 * LVS instead lets its hash table grow past {@code max_size} and trims it from a timer; a bound that
 * holds at every instant suits a client library better.
 *
 * <h2>Expiry</h2>
 * An entry unused for longer than the expiry is treated as absent on lookup (and replaced by the next
 * insertion into its way); {@link #sweep(long)} clears every expired entry and is run by the
 * strategies whenever the pool builds a new picker. LVS runs the equivalent full check every 30
 * minutes.
 *
 * <p>Thread-safe.
 */
final class LocalityTable {
    /** Last-use refresh granularity: 1 ms. */
    static final long TOUCH_GRANULARITY_NANOS = 1_000_000L;
    private static final int MAX_LOCKS = 64;

    /** One remembered key. */
    static final class Entry {
        final long key;
        /** lblc: the server id the key is assigned to. */
        volatile String server;
        /** lblcr: the server ids of the key's set, newest first (copy-on-write under the table lock). */
        volatile String[] members;
        /** lblcr: when the set last gained or lost a member. */
        volatile long lastModified;
        volatile long lastUse;

        Entry(long key, long now, String server, String[] members) {
            this.key = key;
            this.server = server;
            this.members = members;
            this.lastUse = now;
            this.lastModified = now;
        }
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int buckets;
    private final Object[] locks;
    private final long expiryNanos;

    LocalityTable(int maxEntries, long expiryNanos) {
        this.slots = new AtomicReferenceArray<>(maxEntries);
        this.buckets = maxEntries / LocalityConfig.WAYS;
        this.locks = new Object[Math.min(MAX_LOCKS, buckets)];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        this.expiryNanos = expiryNanos;
    }

    private int bucket(long key) {
        return (int) (((key >>> 32) * buckets) >>> 32);
    }

    /** The lock guarding writes to {@code key}'s bucket (and to its entry's members). */
    Object lockFor(long key) {
        return locks[bucket(key) % locks.length];
    }

    long expiryNanos() {
        return expiryNanos;
    }

    boolean expired(Entry e, long now) {
        return now - e.lastUse > expiryNanos;
    }

    /** The live entry of {@code key}, refreshing its last use; null when absent or expired. Lock-free. */
    Entry get(long key, long now) {
        int base = bucket(key) * LocalityConfig.WAYS;
        for (int w = 0; w < LocalityConfig.WAYS; w++) {
            Entry e = slots.get(base + w);
            if (e != null && e.key == key) {
                long last = e.lastUse;
                if (now - last > expiryNanos) {
                    return null;
                }
                if (now - last >= TOUCH_GRANULARITY_NANOS) {
                    e.lastUse = now;
                }
                return e;
            }
        }
        return null;
    }

    /**
     * Returns the live entry of {@code key}, or creates it (the miss path's one allocation) holding
     * {@code server} and {@code members}, fully initialised before it is published. Call with
     * {@link #lockFor(long)} held.
     *
     * @return the existing live entry (unchanged apart from its last use), or the new one
     */
    Entry getOrCreateLocked(long key, long now, String server, String[] members) {
        int base = bucket(key) * LocalityConfig.WAYS;
        int victim = -1;
        long victimScore = Long.MAX_VALUE;
        for (int w = 0; w < LocalityConfig.WAYS; w++) {
            Entry e = slots.get(base + w);
            if (e == null) {
                if (victimScore != Long.MIN_VALUE) {
                    victim = w;
                    victimScore = Long.MIN_VALUE; // an empty way beats any occupied one
                }
                continue;
            }
            if (e.key == key) {
                if (!expired(e, now)) {
                    e.lastUse = now;
                    return e;
                }
                victim = w; // reuse the key's own expired way
                victimScore = Long.MIN_VALUE;
                break;
            }
            if (victimScore == Long.MIN_VALUE) {
                continue;
            }
            // expired ways first, then the least recently used
            long score = expired(e, now) ? Long.MIN_VALUE + 1 : e.lastUse - now;
            if (score < victimScore) {
                victim = w;
                victimScore = score;
            }
        }
        Entry created = new Entry(key, now, server, members);
        slots.set(base + victim, created);
        return created;
    }

    /**
     * Removes every expired entry. O(maxEntries); run off the hot path (when a picker is built).
     *
     * @return how many were removed
     */
    int sweep(long now) {
        int removed = 0;
        for (int b = 0; b < buckets; b++) {
            synchronized (locks[b % locks.length]) {
                for (int i = b * LocalityConfig.WAYS, end = i + LocalityConfig.WAYS; i < end; i++) {
                    Entry e = slots.get(i);
                    if (e != null && expired(e, now)) {
                        slots.set(i, null);
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    /** Entries held, expired or not. O(maxEntries); for tests and diagnostics. */
    int size() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /** The entry of {@code key} if held, expired or not, without refreshing it. For tests. */
    Entry peek(long key) {
        int base = bucket(key) * LocalityConfig.WAYS;
        for (int w = 0; w < LocalityConfig.WAYS; w++) {
            Entry e = slots.get(base + w);
            if (e != null && e.key == key) {
                return e;
            }
        }
        return null;
    }

    int capacity() {
        return slots.length();
    }
}
