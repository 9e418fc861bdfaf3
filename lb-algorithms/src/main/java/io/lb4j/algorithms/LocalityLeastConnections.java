package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Ticker;

/**
 * Locality-based least connections, LVS {@code lblc} (ip_vs_lblc.c): each key (LVS: the destination
 * address; here {@link PickContext#keyHash()}) is remembered with one server and keeps going there, so
 * that server's cache stays warm, until that server is no longer eligible or is overloaded; then the
 * key is reassigned by weighted least connections.
 *
 * <h2>Rules (as ip_vs_lblc_schedule)</h2>
 * <ol>
 * <li>Look the key up in the table. If it is there, not expired, its server is in the current eligible
 * set, and that server is not overloaded, pick it.</li>
 * <li>Overloaded (LVS {@code is_overloaded}): {@code inFlight > weight} and some eligible server has
 * {@code inFlight × 2 < weight}. A busy server therefore keeps its keys while every server is busy.</li>
 * <li>Otherwise pick by LVS {@code wlc}: least {@code inFlight / weight}, compared by
 * cross-multiplication, ties to the first in list order; and remember the key with that server
 * (an existing entry is re-pointed, a new key gets a new entry).</li>
 * </ol>
 * A key unused for longer than {@link LocalityConfig#expiry()} (default 24 h, LVS
 * {@code lblc_expiration}) is forgotten. The table is bounded by {@link LocalityConfig#maxEntries()}
 * (default 16384, LVS's {@code max_size}) and evicts the least recently used key of a full bucket (8-way
 * set-associative; see {@code LocalityTable}). The table belongs to the strategy, so it survives every
 * republished picker. Without a key, a pick is plain wlc over the eligible set.
 *
 * <p><b>Cost.</b> Pick, known key: one ticker read, up to 8 volatile reads, an id lookup and the
 * overload test (O(1), or O(n) when the server has more in flight than its weight); lock-free and
 * allocation-free. Pick, new or expired key: O(n) wlc, a striped lock and one entry allocated — the only
 * allocation on any pick path. Re-pointing a key allocates nothing. {@link #newPicker}: O(n) index plus
 * an O(maxEntries) sweep of expired keys.
 *
 * <p><b>When not to use it.</b> Without a meaningful key (it degrades to wlc with overhead); when
 * one key is hotter than one server can take (use {@link LocalityLeastConnectionsReplicated}, which
 * spreads a key over a set); when key-to-server stability must survive overload (use a hashing strategy);
 * when there are far more live keys than {@code maxEntries} (eviction turns it into wlc).
 *
 * <p><b>Thread-safety.</b> {@code newPicker} is called by one thread at a time (the pool's updater);
 * pickers are used by any number of threads. Concurrent picks of a new key may both compute wlc; the
 * table keeps one entry. Re-pointing is a single volatile write: when two threads re-point the same key
 * at once, the last write wins.
 */
public final class LocalityLeastConnections extends LocalityStrategy {
    /** The canonical name. */
    public static final String NAME = "locality-least-connections";

    /** Expiry 24 h, 16384 keys, system ticker. */
    public LocalityLeastConnections() {
        this(LocalityConfig.ofDefaults(), Ticker.system());
    }

    /** LVS lblc with these settings. */
    public LocalityLeastConnections(LocalityConfig config) {
        this(config, Ticker.system());
    }

    /**
     * @param config table size and expiry
     * @param ticker the clock of the expiry
     */
    public LocalityLeastConnections(LocalityConfig config, Ticker ticker) {
        super(NAME, config, ticker);
    }

    @Override
    LblcPicker picker(Endpoint[] endpoints, LocalityTable table, Ticker ticker, Sequence rotation) {
        return new LblcPicker(endpoints, table, ticker, rotation);
    }

    static final class LblcPicker extends LocalityPicker {
        LblcPicker(Endpoint[] endpoints, LocalityTable table, Ticker ticker, Sequence rotation) {
            super(endpoints, table, ticker, rotation);
        }

        @Override
        public Endpoint pick(PickContext context) {
            ConsistentHashing.checkContext(context);
            if (!context.hasHashKey()) {
                return LocalityCommon.weightedLeast(endpoints, rotation.getAndIncrement());
            }
            long key = context.keyHash();
            long now = ticker.read();
            LocalityTable.Entry entry = table.get(key, now);
            if (entry != null) {
                int i = index.indexOf(entry.server);
                if (i >= 0) {
                    Endpoint dest = endpoints[i];
                    if (!LocalityCommon.overloaded(dest, endpoints)) {
                        return dest;
                    }
                }
                Endpoint least = LocalityCommon.weightedLeast(endpoints, key);
                entry.server = least.server().id();
                return least;
            }
            Endpoint least = LocalityCommon.weightedLeast(endpoints, key);
            String id = least.server().id();
            synchronized (table.lockFor(key)) {
                // as ip_vs_lblc_new: a concurrent insertion of the same key is re-pointed to our choice
                table.getOrCreateLocked(key, now, id, null).server = id;
            }
            return least;
        }
    }
}
