package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Ticker;

import java.util.Arrays;

/**
 * Locality-based least connections with replication, LVS {@code lblcr} (ip_vs_lblcr.c): each key
 * (LVS: the destination address; here {@link PickContext#keyHash()}) is remembered with a <em>set</em>
 * of servers; a pick takes the least loaded member, and a key too hot for its set gains another server,
 * so one popular key can be served by several caches while cold keys keep one.
 *
 * <h2>Rules (as ip_vs_lblcr_schedule)</h2>
 * <ol>
 * <li>Key known (and not expired): {@code dest} = the member with the least {@code inFlight / weight}
 * among the members in the current eligible set (LVS {@code ip_vs_dest_set_min}; ties to the first
 * member, newest first).</li>
 * <li>If the set has more than one member and has not been modified for {@link LocalityConfig#expiry()}
 * (LVS {@code set.lastmod + lblcr_expiration}), drop one member, which counts as a modification. LVS drops
 * the most loaded ({@code ip_vs_dest_set_max}: greatest {@code inFlight / weight}, ties to the first);
 * lb4j first drops a member that is no longer eligible, if any, which LVS's weight-0 rule would keep
 * forever.</li>
 * <li>If {@code dest} exists and is not overloaded (LVS {@code is_overloaded}: {@code inFlight > weight}
 * and some eligible server has {@code inFlight × 2 < weight}), pick it.</li>
 * <li>Otherwise pick by {@code wlc} over all eligible servers (ties to the first in list order) and add
 * it to the set (at the front; a modification) unless it is already a member.</li>
 * <li>Key unknown: pick by {@code wlc} over all eligible servers and remember the key with that one
 * server.</li>
 * </ol>
 * A key unused for longer than the expiry (default 24 h, LVS {@code lblcr_expiration}) is forgotten; the
 * table is bounded by {@link LocalityConfig#maxEntries()} (default 16384) and evicts the least recently
 * used key of a full bucket. The table belongs to the strategy and survives every republished picker.
 * Without a key, a pick is plain wlc over the eligible set.
 *
 * <p><b>Cost.</b> Pick, known key, set unchanged: one ticker read, up to 8 volatile reads, O(set size)
 * id lookups and wlc, and the overload test (O(n) when the member has more in flight than its weight);
 * lock-free and allocation-free. A set that grows or shrinks is copied under a striped lock (one small
 * array allocated); a new key allocates an entry and a one-member array. {@link #newPicker}: O(n) index
 * plus an O(maxEntries) sweep of expired keys.
 *
 * <p><b>When not to use it.</b> Without a meaningful key; when strict key-to-server stability matters
 * (a key's set grows under load, so its requests spread); when all servers are uniformly busy
 * (sets never grow, it behaves as {@link LocalityLeastConnections}); when there are far more live keys
 * than {@code maxEntries}.
 *
 * <p><b>Thread-safety.</b> {@code newPicker} is called by one thread at a time (the pool's updater);
 * pickers are used by any number of threads. Set changes are copy-on-write under the key's table lock,
 * so none is lost; readers see either the old or the new set.
 */
public final class LocalityLeastConnectionsReplicated extends LocalityStrategy {
    /** The canonical name. */
    public static final String NAME = "locality-least-connections-replicated";

    /** Expiry 24 h, 16384 keys, system ticker. */
    public LocalityLeastConnectionsReplicated() {
        this(LocalityConfig.ofDefaults(), Ticker.system());
    }

    /** LVS lblcr with these settings. */
    public LocalityLeastConnectionsReplicated(LocalityConfig config) {
        this(config, Ticker.system());
    }

    /**
     * @param config table size and expiry
     * @param ticker the clock of the expiry and of the set shrinking
     */
    public LocalityLeastConnectionsReplicated(LocalityConfig config, Ticker ticker) {
        super(NAME, config, ticker);
    }

    @Override
    LblcrPicker picker(Endpoint[] endpoints, LocalityTable table, Ticker ticker, Sequence rotation) {
        return new LblcrPicker(endpoints, table, ticker, rotation);
    }

    static final class LblcrPicker extends LocalityPicker {
        LblcrPicker(Endpoint[] endpoints, LocalityTable table, Ticker ticker, Sequence rotation) {
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
            if (entry == null) {
                Endpoint least = LocalityCommon.weightedLeast(endpoints, key);
                String id = least.server().id();
                synchronized (table.lockFor(key)) {
                    LocalityTable.Entry e = table.getOrCreateLocked(key, now, null, new String[] {id});
                    addMemberLocked(e, id, now); // a concurrent insertion of the key: join its set
                }
                return least;
            }
            Endpoint dest = setMin(entry.members);
            if (entry.members.length > 1 && now - entry.lastModified > table.expiryNanos()) {
                synchronized (table.lockFor(key)) {
                    String[] members = entry.members;
                    if (members.length > 1 && now - entry.lastModified > table.expiryNanos()) {
                        int victim = setMaxIndex(members);
                        if (victim >= 0) {
                            entry.members = without(members, victim);
                            entry.lastModified = now;
                        }
                    }
                }
            }
            if (dest != null && !LocalityCommon.overloaded(dest, endpoints)) {
                return dest;
            }
            Endpoint least = LocalityCommon.weightedLeast(endpoints, key);
            synchronized (table.lockFor(key)) {
                addMemberLocked(entry, least.server().id(), now);
            }
            return least;
        }

        /** Adds {@code id} at the front of the set unless it is a member (LVS ip_vs_dest_set_insert). */
        private static void addMemberLocked(LocalityTable.Entry entry, String id, long now) {
            String[] members = entry.members;
            for (String m : members) {
                if (m.equals(id)) {
                    return;
                }
            }
            String[] grown = new String[members.length + 1];
            grown[0] = id;
            System.arraycopy(members, 0, grown, 1, members.length);
            entry.members = grown;
            entry.lastModified = now;
        }

        private static String[] without(String[] members, int victim) {
            String[] shrunk = new String[members.length - 1];
            System.arraycopy(members, 0, shrunk, 0, victim);
            System.arraycopy(members, victim + 1, shrunk, victim, members.length - victim - 1);
            return shrunk;
        }

        /** LVS ip_vs_dest_set_min over the eligible members; null when none is eligible. */
        private Endpoint setMin(String[] members) {
            Endpoint least = null;
            double leastLoad = 0;
            double leastWeight = 0;
            for (String id : members) {
                int i = index.indexOf(id);
                if (i < 0) {
                    continue;
                }
                Endpoint e = endpoints[i];
                double load = EndpointArrays.load(e);
                double weight = e.weight();
                if (least == null || leastLoad * weight > load * leastWeight) {
                    least = e;
                    leastLoad = load;
                    leastWeight = weight;
                }
            }
            return least;
        }

        /**
         * The member to drop: the first one no longer eligible, else LVS ip_vs_dest_set_max (greatest
         * {@code inFlight / weight}, ties to the first).
         */
        private int setMaxIndex(String[] members) {
            int most = -1;
            double mostLoad = 0;
            double mostWeight = 0;
            for (int k = 0; k < members.length; k++) {
                int i = index.indexOf(members[k]);
                if (i < 0) {
                    return k;
                }
                Endpoint e = endpoints[i];
                double load = EndpointArrays.load(e);
                double weight = e.weight();
                if (most < 0 || mostLoad * weight < load * mostWeight) {
                    most = k;
                    mostLoad = load;
                    mostWeight = weight;
                }
            }
            return most;
        }
    }

    /** The server ids of {@code key}'s set, newest first, or an empty array. For tests. */
    String[] membersForTest(PickContext key) {
        LocalityTable.Entry e = table().peek(key.keyHash());
        return e == null ? new String[0] : Arrays.copyOf(e.members, e.members.length);
    }
}
