package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Hashing;

import java.util.Arrays;

/**
 * A ketama consistent-hash ring (libketama; nginx {@code hash $key consistent}) on the 64-bit circle.
 *
 * <h2>Build</h2>
 * A server of weight {@code w} gets {@code max(1, round(pointsPerWeight × w))} points (nginx: 160 per
 * unit of weight). Point {@code j} of a server is {@code fmix64(hash64(id) + (j + 1) × φ)} with
 * {@code φ = 0x9E3779B97F4A7C15}: it depends only on the server's <em>id</em> and {@code j}, never
 * on its list position, so a server joining or leaving adds or removes only its own points and every
 * other point keeps its owner. A key belongs to the first point at or after its hash, wrapping around
 * (the circle is ordered as signed {@code long}s; the origin of a circle does not matter).
 *
 * <p>If the total exceeds {@code maxPoints}, every count is scaled by {@code maxPoints / total}
 * (each server keeps at least one point); only then do the other servers' points depend on the
 * membership.
 *
 * <p>Cost: {@code P} hashes plus an LSD radix sort of {@code P} longs (4 passes of 16 bits) for
 * {@code P} points, in primitive arrays; lookup is a binary search, O(log P), allocation-free.
 *
 * <p>Immutable after construction and thread-safe.
 */
final class KetamaRing {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Endpoint[] endpoints;
    private final long[] points;
    private final int[] owners;

    private KetamaRing(Endpoint[] endpoints, long[] points, int[] owners) {
        this.endpoints = endpoints;
        this.points = points;
        this.owners = owners;
    }

    /**
     * Builds the ring.
     *
     * @param endpoints       validated endpoints (non-empty, distinct ids, weights finite and > 0)
     * @param pointsPerWeight points per unit of weight
     * @param maxPoints       cap on the number of points (exceeded only when there are more servers)
     */
    static KetamaRing build(Endpoint[] endpoints, int pointsPerWeight, int maxPoints) {
        int n = endpoints.length;
        long[] counts = new long[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            counts[i] = Math.max(1L, Math.round(pointsPerWeight * endpoints[i].weight()));
            total += counts[i];
        }
        if (total > maxPoints) {
            double scale = maxPoints / total;
            for (int i = 0; i < n; i++) {
                counts[i] = Math.max(1L, (long) Math.floor(counts[i] * scale));
            }
        }
        int size = 0;
        for (int i = 0; i < n; i++) {
            size += (int) counts[i];
        }
        long[] points = new long[size];
        int[] owners = new int[size];
        int k = 0;
        for (int i = 0; i < n; i++) {
            long base = Hashing.hash64(endpoints[i].server().id());
            for (long j = 0; j < counts[i]; j++) {
                points[k] = Hashing.fmix64(base + (j + 1) * GOLDEN);
                owners[k] = i;
                k++;
            }
        }
        radixSort(points, owners);
        return new KetamaRing(endpoints, points, owners);
    }

    /** Stable LSD radix sort of {@code keys} as signed longs, carrying {@code values} along. */
    static void radixSort(long[] keys, int[] values) {
        int n = keys.length;
        long[] otherKeys = new long[n];
        int[] otherValues = new int[n];
        int[] count = new int[(1 << 16) + 1];
        long[] srcK = keys;
        long[] dstK = otherKeys;
        int[] srcV = values;
        int[] dstV = otherValues;
        for (int shift = 0; shift < 64; shift += 16) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[digit(srcK[i], shift) + 1]++;
            }
            for (int d = 0; d < 1 << 16; d++) {
                count[d + 1] += count[d];
            }
            for (int i = 0; i < n; i++) {
                int p = count[digit(srcK[i], shift)]++;
                dstK[p] = srcK[i];
                dstV[p] = srcV[i];
            }
            long[] tk = srcK;
            srcK = dstK;
            dstK = tk;
            int[] tv = srcV;
            srcV = dstV;
            dstV = tv;
        }
        // four passes: the sorted data is back in keys/values
    }

    private static int digit(long key, int shift) {
        return (int) (((key ^ Long.MIN_VALUE) >>> shift) & 0xFFFF);
    }

    /** Index of the point owning {@code keyHash}: the first point ≥ it, wrapping to 0. */
    int pointIndex(long keyHash) {
        long[] p = points;
        int lo = 0;
        int hi = p.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p[mid] < keyHash) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == p.length ? 0 : lo;
    }

    /** The endpoint owning {@code keyHash}. Allocation-free, O(log points). */
    Endpoint lookup(long keyHash) {
        return endpoints[owners[pointIndex(keyHash)]];
    }

    /** Number of points on the ring. */
    int size() {
        return points.length;
    }

    /** A copy of the sorted points. For tests. */
    long[] pointsForTest() {
        return points.clone();
    }

    /** The endpoint owning point {@code index} of {@link #pointsForTest()}. For tests. */
    Endpoint pointOwner(int index) {
        return endpoints[owners[index]];
    }
}
