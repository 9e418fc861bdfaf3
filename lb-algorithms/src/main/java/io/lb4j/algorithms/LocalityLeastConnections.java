package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

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
public final class LocalityLeastConnections implements Strategy {
    /** Where a keyless pick starts its least-connections scan; shared by this strategy's pickers. */
    private final Sequence rotation = new Sequence(0);

    /** The canonical name. */
    public static final String NAME = "locality-least-connections";
    private static final Logger LOG = LoggerFactory.getLogger(LocalityLeastConnections.class);

    private final LocalityConfig config;
    private final Ticker ticker;
    private final LocalityTable table;

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
        this.config = EndpointArrays.notNull("config", config);
        this.ticker = EndpointArrays.notNull("ticker", ticker);
        this.table = new LocalityTable(config.maxEntries(), config.expiry().toNanos());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings this strategy was built with. */
    public LocalityConfig config() {
        return config;
    }

    /** The key table, shared by every picker of this strategy. For tests. */
    LocalityTable table() {
        return table;
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.checkedArray(NAME, endpoints);
        int swept = table.sweep(ticker.read());
        if (swept > 0 && LOG.isDebugEnabled()) {
            LOG.debug("{}: forgot {} keys idle for more than {}", NAME, swept, config.expiry());
        }
        return new LblcPicker(array, table, ticker, rotation);
    }

    @Override
    public String toString() {
        return NAME + "(" + config + ")";
    }

    static final class LblcPicker implements Picker {
        private final Endpoint[] endpoints;
        private final LocalityCommon.IdIndex index;
        private final LocalityTable table;
        private final Ticker ticker;

        private final Sequence rotation;

        LblcPicker(Endpoint[] endpoints, LocalityTable table, Ticker ticker, Sequence rotation) {
            this.rotation = rotation;
            this.endpoints = endpoints;
            this.index = new LocalityCommon.IdIndex(endpoints);
            this.table = table;
            this.ticker = ticker;
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

        @Override
        public String toString() {
            return "LblcPicker[" + endpoints.length + " endpoints]";
        }
    }
}
