package io.lb4j.pool;

import io.lb4j.algorithms.Randoms;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Zone-aware routing, Envoy's algorithm ({@code zone_aware_lb_config}) on {@code Server.zone()}: traffic
 * stays in the client's own zone while that zone is healthy enough, and spills to the other zones in
 * proportion to their spare healthy capacity when it is not.
 *
 * <p>Let {@code upstream[z]} be zone z's share of the eligible (healthy) servers and {@code expected[z]} its
 * share of the clients — by default its share of all configured servers, healthy or not (the fleet is
 * assumed to be spread like its servers); set {@link Builder#clientShares} when the client fleet is spread
 * otherwise.
 * <ul>
 *   <li>If {@code upstream[local] >= expected[local]}, every request stays local.</li>
 *   <li>Otherwise {@code upstream[local] / expected[local]} of the requests stay local; the rest spill to the
 *       other zones in proportion to their residual capacity {@code max(0, upstream[z] - expected[z])}
 *       (if no zone has any, in proportion to {@code upstream[z]}).</li>
 *   <li>With fewer than {@link #minClusterSize()} eligible servers, or no local zone among them, zones are
 *       ignored (Envoy's {@code min_cluster_size}, default 6).</li>
 * </ul>
 * Servers without a zone form one zone of their own. Each zone gets its own picker from the pool's
 * strategy, built at publish time; a pick draws one number to choose the zone, then asks that zone's picker.
 *
 * <p>Immutable and thread-safe (the injected random generator must be thread-safe; the default is).
 */
public final class ZoneAwareRouting {
    /** Envoy's default {@code min_cluster_size}: 6 servers. */
    public static final int DEFAULT_MIN_CLUSTER_SIZE = 6;

    private final String localZone;
    private final int minClusterSize;
    private final Map<String, Double> clientShares;
    private final RandomGenerator random;

    private ZoneAwareRouting(Builder b) {
        this.localZone = b.localZone;
        this.minClusterSize = b.minClusterSize;
        this.clientShares = b.clientShares == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(b.clientShares));
        this.random = b.random;
    }

    /** A builder for a client in zone {@code localZone} (not blank). */
    public static Builder custom(String localZone) {
        return new Builder(Checks.notBlank("localZone", localZone));
    }

    /** Zone-aware routing for a client in {@code localZone} with the defaults. */
    public static ZoneAwareRouting of(String localZone) {
        return custom(localZone).build();
    }

    /** The client's own zone. */
    public String localZone() {
        return localZone;
    }

    /** Below this many eligible servers, zones are ignored. */
    public int minClusterSize() {
        return minClusterSize;
    }

    /** The clients' share per zone, or null to assume the servers' spread. */
    public Map<String, Double> clientShares() {
        return clientShares;
    }

    RandomGenerator random() {
        return random;
    }

    @Override
    public String toString() {
        return "ZoneAwareRouting[local=" + localZone + ", minClusterSize=" + minClusterSize
                + (clientShares == null ? "" : ", clientShares=" + clientShares) + "]";
    }

    /** Builds {@link ZoneAwareRouting}; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final String localZone;
        private int minClusterSize = DEFAULT_MIN_CLUSTER_SIZE;
        private Map<String, Double> clientShares;
        private RandomGenerator random = Randoms.threadLocal();

        private Builder(String localZone) {
            this.localZone = localZone;
        }

        /** 1 to 1,000,000: below this many eligible servers, zones are ignored. */
        public Builder minClusterSize(int size) {
            this.minClusterSize = Checks.inRange("minClusterSize", size, 1, 1_000_000);
            return this;
        }

        /**
         * How the client fleet is spread over zones (any positive numbers; normalised): e.g. the instance
         * counts of the calling service per zone. Must include the local zone.
         */
        public Builder clientShares(Map<String, ? extends Number> shares) {
            Checks.notNull("clientShares", shares);
            Map<String, Double> copy = new LinkedHashMap<>();
            for (Map.Entry<String, ? extends Number> e : shares.entrySet()) {
                Checks.notBlank("clientShares key", e.getKey());
                double v = Checks.notNull("clientShares[" + e.getKey() + "]", e.getValue()).doubleValue();
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("clientShares[" + e.getKey() + "] must be a finite number >= 0, was " + v);
                }
                copy.put(e.getKey(), v);
            }
            if (!(copy.getOrDefault(localZone, 0.0) > 0)) {
                throw new IllegalArgumentException("clientShares must give the local zone '" + localZone
                        + "' a share > 0, was " + copy);
            }
            this.clientShares = copy;
            return this;
        }

        /** The generator that chooses a zone per pick; default thread-local. Tests pass a seeded one. */
        public Builder random(RandomGenerator random) {
            this.random = Checks.notNull("random", random);
            return this;
        }

        /** The immutable settings. */
        public ZoneAwareRouting build() {
            return new ZoneAwareRouting(this);
        }
    }
}
