package io.lb4j.discovery;

import io.lb4j.api.Server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deterministic subsetting, the algorithm of Google's SRE book (chapter 20, "Load Balancing in the
 * Datacenter"): with thousands of clients and thousands of servers, each client balances over a small
 * stable subset of {@code k} servers instead of holding connections to all of them, and every server still
 * gets the same number of clients.
 *
 * <h2>Algorithm</h2>
 * The servers are split into {@code n / k} subsets of {@code k} ({@code n} servers; the {@code n mod k}
 * left over in a round serve no client of that round). Clients are grouped into <em>rounds</em> of
 * {@code n / k} consecutive indexes; all clients of a round use the same ordering of the servers and client
 * {@code i} takes the subset {@code i mod (n / k)} of it, so one round covers every server exactly once.
 * Each round orders the servers differently so that the left-over servers and a failing client's subset
 * differ from round to round.
 * <p>The book shuffles the sorted list with a generator seeded by the round; here a round's ordering sorts
 * the servers by a 64-bit hash of (round, server id). Both are fixed functions of the membership, but the
 * hash ordering is <em>consistent</em>: adding or removing one server moves one element of each round's
 * ordering instead of reshuffling all of it, so a client's subset changes by at most one server in and one
 * out (a seeded shuffle of a different length changes nearly every subset completely).
 *
 * <h2>Balance and churn</h2>
 * When the client count is a multiple of {@code n / k}, every server has exactly
 * {@code clients * k / n} clients (the partial last round otherwise adds at most one client to some
 * servers). Measured by {@code DeterministicSubsetTest} with 1,000 clients, 10,000 servers and
 * {@code k = 100}: every server has exactly 10 clients; adding or removing one server changes the subset of
 * about half of the clients (those whose subset lies after the new or removed server in their round's
 * ordering), each by exactly one server in and one out — the README reports the figures.
 *
 * <h2>Cost</h2>
 * {@code O(n log n)} per call (one sort); call it when the membership changes, not per request
 * ({@link SubsettingSource} does that for a discovery source). Stateless and thread-safe.
 *
 * <h2>When not to use it</h2>
 * With few servers per client ({@code n / k} below about 3) or few clients: use the whole list. Subsets
 * assume all clients see the same list; during a rolling change they briefly differ.
 */
public final class DeterministicSubset {
    private static final Comparator<Server> BY_ID = Comparator.comparing(Server::id);

    private DeterministicSubset() {
    }

    /**
     * The subset of client {@code clientIndex}.
     *
     * @param servers     the complete membership, every client passing the same set (order does not matter);
     *                    no null, ids unique
     * @param clientIndex this client's index, 0 to {@code clientCount - 1}, stable across restarts (e.g. the
     *                    ordinal of a Kubernetes StatefulSet pod)
     * @param clientCount how many clients there are, at least 1
     * @param subsetSize  {@code k}, at least 1; when it is at least the number of servers every server is
     *                    returned
     * @return {@code min(k, n)} servers in a stable order, unmodifiable
     * @throws IllegalArgumentException naming the parameter when one is out of range or the list is invalid
     */
    public static List<Server> subset(List<Server> servers, int clientIndex, int clientCount, int subsetSize) {
        if (servers == null) {
            throw new IllegalArgumentException("servers must not be null");
        }
        if (clientCount < 1) {
            throw new IllegalArgumentException("clientCount must be at least 1, was " + clientCount);
        }
        if (clientIndex < 0 || clientIndex >= clientCount) {
            throw new IllegalArgumentException("clientIndex must be in [0, " + (clientCount - 1) + "], was " + clientIndex);
        }
        if (subsetSize < 1) {
            throw new IllegalArgumentException("subsetSize must be at least 1, was " + subsetSize);
        }
        int n = servers.size();
        Server[] all = servers.toArray(new Server[0]);
        Set<String> ids = new HashSet<>(n * 2);
        for (Server s : all) {
            if (s == null) {
                throw new IllegalArgumentException("servers must not hold null");
            }
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("servers holds two servers with id '" + s.id() + "'");
            }
        }
        if (subsetSize >= n) {
            Arrays.sort(all, BY_ID);
            return List.of(all);
        }
        int subsetCount = n / subsetSize;
        long round = clientIndex / subsetCount;
        int subsetId = clientIndex % subsetCount;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = mix(round * 0x9E3779B97F4A7C15L + mix(fnv(all[i].id())));
        }
        // sort primitives: the key's high bits with the index in the low bits, then put runs whose high bits
        // tie in (full key, id) order, so the ordering never depends on the order of the input list
        int indexBits = 64 - Long.numberOfLeadingZeros(n);
        long indexMask = (1L << indexBits) - 1;
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            packed[i] = ((keys[i] ^ Long.MIN_VALUE) & ~indexMask) | i;
        }
        Arrays.sort(packed);
        Server[] ordered = new Server[n];
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && (packed[j] & ~indexMask) == (packed[i] & ~indexMask)) {
                j++;
            }
            if (j - i == 1) {
                ordered[i] = all[(int) (packed[i] & indexMask)];
            } else {
                List<Integer> run = new ArrayList<>(j - i);
                for (int r = i; r < j; r++) {
                    run.add((int) (packed[r] & indexMask));
                }
                run.sort(Comparator.<Integer>comparingLong(x -> keys[x]).thenComparing(x -> all[x].id()));
                for (int r = i; r < j; r++) {
                    ordered[r] = all[run.get(r - i)];
                }
            }
            i = j;
        }
        return List.of(Arrays.copyOfRange(ordered, subsetId * subsetSize, subsetId * subsetSize + subsetSize));
    }

    /** 64-bit FNV-1a of the id's UTF-16 code units: the same on every JVM. */
    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
