package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;

/**
 * The LVS rules shared by {@link LocalityLeastConnections} and
 * {@link LocalityLeastConnectionsReplicated}: weighted least-connection choice, the lblc/lblcr
 * "overloaded" test, and an allocation-free server-id index.
 *
 * <p>"Connections" are this client's requests in flight ({@link Endpoint#inFlight()}); LVS's overhead
 * {@code activeconns × 256 + inactconns} becomes just the in-flight count.
 *
 * <p>Stateless (the index is immutable once built) and thread-safe.
 */
final class LocalityCommon {
    private LocalityCommon() {
    }

    /**
     * LVS {@code wlc}: the endpoint with the least {@code inFlight / weight}, compared by
     * cross-multiplication ({@code inFlight_least × weight_e > inFlight_e × weight_least} replaces the
     * current least). The scan starts at {@code floorMod(start, n)} and ties go to the first endpoint met.
     * LVS starts at the first server, which is harmless there because a server's overhead counts its
     * inactive connections too; a client's in-flight count is often 0 everywhere, and starting at the first
     * server would send every new key to it. Callers therefore pass the key's hash (idle servers share new
     * keys like a hash, deterministically) or a rotating counter (no key).
     */
    static Endpoint weightedLeast(Endpoint[] endpoints, long start) {
        int n = endpoints.length;
        int i = (int) Math.floorMod(start, (long) n);
        Endpoint least = endpoints[i];
        double leastLoad = EndpointArrays.load(least);
        double leastWeight = least.weight();
        for (int k = 1; k < n; k++) {
            if (++i == n) {
                i = 0;
            }
            Endpoint e = endpoints[i];
            double load = EndpointArrays.load(e);
            double weight = e.weight();
            if (leastLoad * weight > load * leastWeight) {
                least = e;
                leastLoad = load;
                leastWeight = weight;
            }
        }
        return least;
    }

    /**
     * LVS {@code is_overloaded} (ip_vs_lblc.c and ip_vs_lblcr.c): {@code dest} has more in flight than
     * its weight <em>and</em> some endpoint of the set has less than half its weight in flight
     * ({@code inFlight × 2 < weight}). So a busy server keeps its keys while every server is busy.
     */
    static boolean overloaded(Endpoint dest, Endpoint[] endpoints) {
        if (EndpointArrays.load(dest) > dest.weight()) {
            for (Endpoint d : endpoints) {
                if (EndpointArrays.load(d) * 2.0 < d.weight()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Server id → position in a picker's endpoint array; open addressing, allocation-free lookups. */
    static final class IdIndex {
        private final String[] keys;
        private final int[] positions;
        private final int mask;

        IdIndex(Endpoint[] endpoints) {
            int capacity = Integer.highestOneBit(Math.max(2, endpoints.length * 2 - 1)) << 1;
            keys = new String[capacity];
            positions = new int[capacity];
            mask = capacity - 1;
            for (int i = 0; i < endpoints.length; i++) {
                String id = endpoints[i].server().id();
                int slot = spread(id.hashCode()) & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = id;
                positions[slot] = i;
            }
        }

        /** The position of the endpoint with this server id, or -1. */
        int indexOf(String id) {
            int slot = spread(id.hashCode()) & mask;
            for (String k; (k = keys[slot]) != null; slot = (slot + 1) & mask) {
                if (k == id || k.equals(id)) {
                    return positions[slot];
                }
            }
            return -1;
        }

        private static int spread(int h) {
            return (h ^ (h >>> 16)) * 0x9E3779B9;
        }
    }
}
