package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Exact measurements on the ring: every share is the summed length of the arcs a server owns on the
 * 2^64 circle, not a sample of keys.
 */
class KetamaRingTest {
    private static final double CIRCLE = 0x1p64;
    private static final int P = HashingConfig.DEFAULT_KETAMA_POINTS_PER_WEIGHT;
    private static final int MAX = HashingConfig.DEFAULT_KETAMA_MAX_POINTS;

    static KetamaRing ring(List<Endpoint> endpoints) {
        return KetamaRing.build(endpoints.toArray(new Endpoint[0]), P, MAX);
    }

    /** Unsigned distance from a to b going forward around the circle, as a double. */
    static double arc(long from, long to) {
        long d = to - from;
        return d >= 0 ? (double) d : (double) (d >>> 1) * 2.0 + (d & 1);
    }

    /** Fraction of the circle each server id owns. */
    static Map<String, Double> shares(KetamaRing ring) {
        long[] p = ring.pointsForTest();
        Map<String, Double> shares = new HashMap<>();
        for (int i = 0; i < p.length; i++) {
            long previous = p[(i + p.length - 1) % p.length];
            double length = p.length == 1 ? CIRCLE : arc(previous, p[i]);
            shares.merge(ring.pointOwner(i).server().id(), length / CIRCLE, Double::sum);
        }
        return shares;
    }

    /** Fraction of the circle whose owner differs between two rings (walks the union of their points). */
    static double movedFraction(KetamaRing a, KetamaRing b) {
        long[] pa = a.pointsForTest();
        long[] pb = b.pointsForTest();
        long[] u = Arrays.copyOf(pa, pa.length + pb.length);
        System.arraycopy(pb, 0, u, pa.length, pb.length);
        Arrays.sort(u);
        double moved = 0;
        for (int i = 0; i < u.length; i++) {
            long previous = u[(i + u.length - 1) % u.length];
            if (previous == u[i]) {
                continue;
            }
            // no point of either ring lies inside (previous, u[i]]: its owner is the owner of u[i]
            String ownerA = a.lookup(u[i]).server().id();
            String ownerB = b.lookup(u[i]).server().id();
            if (!ownerA.equals(ownerB)) {
                moved += arc(previous, u[i]);
            }
        }
        return moved / CIRCLE;
    }

    @Test
    void pointsAreSortedAndEachServerHasPointsPerWeightTimesWeight() {
        KetamaRing ring = KetamaRing.build(FakeEndpoint.weighted(1, 2, 3).toArray(new Endpoint[0]), 100, MAX);
        long[] p = ring.pointsForTest();
        assertThat(p).hasSize(600).isSorted();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < p.length; i++) {
            counts.merge(ring.pointOwner(i).server().id(), 1, Integer::sum);
        }
        assertThat(counts).containsEntry("s0", 100).containsEntry("s1", 200).containsEntry("s2", 300);
    }

    @Test
    void lookupReturnsTheOwnerOfTheFirstPointAtOrAfterTheKeyAndWrapsAround() {
        KetamaRing ring = ring(FakeEndpoint.weighted(1, 1, 1));
        long[] p = ring.pointsForTest();
        assertThat(ring.lookup(p[5])).isSameAs(ring.pointOwner(5));
        assertThat(ring.lookup(p[5] + 1)).isSameAs(ring.pointOwner(6));
        assertThat(ring.lookup(p[p.length - 1] + 1)).isSameAs(ring.pointOwner(0));
        assertThat(ring.lookup(Long.MIN_VALUE)).isSameAs(ring.pointOwner(0));
    }

    @Test
    void ownershipOfOneHundredEqualServersHasRelativeStandardDeviationAtMostFivePercent() {
        Map<String, Double> shares = shares(ring(FakeEndpoint.weighted(ones(100))));
        assertThat(shares).hasSize(100);
        double mean = 1.0 / 100;
        double variance = 0;
        for (double s : shares.values()) {
            variance += (s - mean) * (s - mean);
        }
        double rsd = Math.sqrt(variance / 100) / mean;
        // measured: 2.7% with 1024 points per server (theory 1/sqrt(1024) = 3.1%); bound from the spec: 5%
        assertThat(rsd).isLessThanOrEqualTo(0.05);
        assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void addingAnEleventhServerMovesKeysOnlyToTheNewServer() {
        List<Endpoint> ten = FakeEndpoint.weighted(ones(10));
        List<Endpoint> eleven = new ArrayList<>(ten);
        eleven.add(FakeEndpoint.of("s10", 1));
        KetamaRing before = ring(ten);
        KetamaRing after = ring(eleven);

        // every moved arc moved to the new server: nothing moves between the old ten, and the old
        // ten keep every one of their points
        assertThat(movedFraction(before, after)).isCloseTo(shares(after).get("s10"), within(1e-12));
        Map<String, Double> sharesBefore = shares(before);
        shares(after).forEach((id, share) -> {
            if (!id.equals("s10")) {
                assertThat(share).as("share of %s", id).isLessThanOrEqualTo(sharesBefore.get(id));
            }
        });
    }

    @Test
    void addingAnEleventhServerMovesAboutOneEleventhOfTheKeySpace() {
        List<Endpoint> ten = FakeEndpoint.weighted(ones(10));
        List<Endpoint> eleven = new ArrayList<>(ten);
        eleven.add(FakeEndpoint.of("s10", 1));
        double moved = movedFraction(ring(ten), ring(eleven));
        // The moved space is exactly the new server's share, a random variable of mean 1/11 and
        // relative standard deviation 1/sqrt(1024) = 3.1%: a bound of "1/11 plus 2 points' worth"
        // (0.09109) cannot hold for every id set. Measured for s0..s10: 0.09414 (+3.5%).
        // Tolerance: 3 standard deviations above 1/11.
        assertThat(moved).isLessThanOrEqualTo(1.0 / 11 * (1 + 3 / Math.sqrt(P)));
        assertThat(moved).isGreaterThanOrEqualTo(1.0 / 11 * (1 - 3 / Math.sqrt(P)));
    }

    @Test
    void removingAServerMovesOnlyItsShareAndEveryOtherPointKeepsItsOwner() {
        List<Endpoint> ten = FakeEndpoint.weighted(ones(10));
        List<Endpoint> nine = new ArrayList<>(ten);
        Endpoint removed = nine.remove(3);
        KetamaRing before = ring(ten);
        KetamaRing after = ring(nine);

        long[] pb = before.pointsForTest();
        Map<Long, String> afterOwners = new HashMap<>();
        long[] pa = after.pointsForTest();
        for (int i = 0; i < pa.length; i++) {
            afterOwners.put(pa[i], after.pointOwner(i).server().id());
        }
        int kept = 0;
        for (int i = 0; i < pb.length; i++) {
            String owner = before.pointOwner(i).server().id();
            if (owner.equals(removed.server().id())) {
                assertThat(afterOwners).doesNotContainKey(pb[i]);
            } else {
                assertThat(afterOwners.get(pb[i])).as("owner of point %d", pb[i]).isEqualTo(owner);
                kept++;
            }
        }
        assertThat(kept).isEqualTo(pa.length);
        assertThat(movedFraction(before, after)).isCloseTo(shares(before).get(removed.server().id()), within(1e-12));
    }

    @Test
    void pointsDependOnTheServerIdNotItsListPosition() {
        List<Endpoint> list = FakeEndpoint.weighted(1, 1, 1, 1);
        List<Endpoint> reversed = new ArrayList<>(list);
        java.util.Collections.reverse(reversed);
        KetamaRing a = ring(list);
        KetamaRing b = ring(reversed);
        assertThat(b.pointsForTest()).isEqualTo(a.pointsForTest());
        assertThat(movedFraction(a, b)).isZero();
    }

    @Test
    void weightsOneTwoThreeGiveSharesWithinTwoPercentOfOneSixthTwoSixthsThreeSixths() {
        Map<String, Double> shares = shares(ring(FakeEndpoint.weighted(1, 2, 3)));
        // tolerance 2% absolute: with 1024..3072 points a share deviates by about 1/sqrt(points)
        assertThat(shares.get("s0")).isCloseTo(1.0 / 6, within(0.02));
        assertThat(shares.get("s1")).isCloseTo(2.0 / 6, within(0.02));
        assertThat(shares.get("s2")).isCloseTo(3.0 / 6, within(0.02));
    }

    @Test
    void totalAboveTheCapScalesEveryServerDownProportionally() {
        KetamaRing ring = KetamaRing.build(FakeEndpoint.weighted(1000, 3000).toArray(new Endpoint[0]), 1024, 4096);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < ring.size(); i++) {
            counts.merge(ring.pointOwner(i).server().id(), 1, Integer::sum);
        }
        assertThat(counts).containsEntry("s0", 1024).containsEntry("s1", 3072);
    }

    @Test
    void aTinySlowStartWeightStillGetsOnePoint() {
        List<Endpoint> list = FakeEndpoint.weighted(1, 1);
        ((FakeEndpoint) list.get(1)).weight(0.0001);
        KetamaRing ring = ring(list);
        assertThat(ring.size()).isEqualTo(P + 1);
    }

    @Test
    void radixSortSortsSignedLongsAndCarriesValues() {
        long[] keys = {5, -3, Long.MAX_VALUE, Long.MIN_VALUE, 0, -1, 1L << 40, 5};
        int[] values = {0, 1, 2, 3, 4, 5, 6, 7};
        KetamaRing.radixSort(keys, values);
        assertThat(keys).containsExactly(Long.MIN_VALUE, -3, -1, 0, 5, 5, 1L << 40, Long.MAX_VALUE);
        assertThat(values).containsExactly(3, 1, 5, 4, 0, 7, 6, 2);
    }

    static int[] ones(int n) {
        int[] w = new int[n];
        Arrays.fill(w, 1);
        return w;
    }
}
