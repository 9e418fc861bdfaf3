package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The picker of a zone-aware pool (see {@link ZoneAwareRouting}): one picker per zone from the pool's
 * strategy, and a cumulative distribution over the zones, all built at publish time. A pick draws one
 * number and asks the chosen zone's picker: O(zones) plus that picker's cost, no allocation.
 *
 * <p>Immutable and thread-safe.
 */
final class ZonePicker implements Picker {
    private final Picker[] pickers;
    private final double[] cumulative;
    private final RandomGenerator random;

    private ZonePicker(Picker[] pickers, double[] cumulative, RandomGenerator random) {
        this.pickers = pickers;
        this.cumulative = cumulative;
        this.random = random;
    }

    @Override
    public Endpoint pick(PickContext context) {
        return zone().pick(context);
    }

    @Override
    public Endpoint pick(PickContext context, long nowNanos) {
        return zone().pick(context, nowNanos);
    }

    private Picker zone() {
        double u = random.nextDouble();
        int last = pickers.length - 1;
        for (int i = 0; i < last; i++) {
            if (u < cumulative[i]) {
                return pickers[i];
            }
        }
        return pickers[last];
    }

    /** The zone of a server; servers without one share the zone "". */
    static String zone(Member m) {
        return m.server.zone().orElse("");
    }

    /**
     * The picker for {@code eligible}, or null when zones do not apply (too few servers, no local server
     * eligible, one zone only): the caller then uses the strategy's plain picker.
     */
    static Picker build(Strategy strategy, Member[] eligible, Collection<Member> all, ZoneAwareRouting config) {
        if (eligible.length < config.minClusterSize()) {
            return null;
        }
        Map<String, List<Endpoint>> byZone = new LinkedHashMap<>();
        for (Member m : eligible) {
            byZone.computeIfAbsent(zone(m), z -> new ArrayList<>()).add(m);
        }
        if (byZone.size() < 2 || !byZone.containsKey(config.localZone())) {
            return null;
        }
        Map<String, Integer> healthy = new LinkedHashMap<>();
        byZone.forEach((z, list) -> healthy.put(z, list.size()));
        Map<String, Double> share = distribution(config.localZone(), healthy, expected(all, config));
        List<Picker> pickers = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (Map.Entry<String, Double> e : share.entrySet()) {
            if (e.getValue() > 0) {
                pickers.add(strategy.newPicker(List.copyOf(byZone.get(e.getKey()))));
                weights.add(e.getValue());
            }
        }
        if (pickers.size() == 1) {
            return pickers.get(0);
        }
        double[] cumulative = new double[weights.size()];
        double sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += weights.get(i);
            cumulative[i] = sum;
        }
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] /= sum;
        }
        return new ZonePicker(pickers.toArray(new Picker[0]), cumulative, config.random());
    }

    /** The clients' expected share per zone: as configured, else the spread of all configured servers. */
    static Map<String, Double> expected(Collection<Member> all, ZoneAwareRouting config) {
        Map<String, Double> counts = new LinkedHashMap<>();
        if (config.clientShares() != null) {
            counts.putAll(config.clientShares());
        } else {
            for (Member m : all) {
                if (!m.server.backup() && m.server.weight() > 0) {
                    counts.merge(zone(m), 1.0, Double::sum);
                }
            }
        }
        double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        counts.forEach((z, c) -> shares.put(z, total > 0 ? c / total : 0));
        return shares;
    }

    /**
     * Envoy's split, as a pure function: the share of requests each zone receives, the local zone first.
     *
     * @param healthy  eligible servers per zone (the local zone among them)
     * @param expected the clients' share per zone, summing to 1
     */
    static Map<String, Double> distribution(String local, Map<String, Integer> healthy, Map<String, Double> expected) {
        double total = healthy.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Double> upstream = new LinkedHashMap<>();
        healthy.forEach((z, n) -> upstream.put(z, n / total));
        double localUp = upstream.getOrDefault(local, 0.0);
        double localExpected = expected.getOrDefault(local, 0.0);
        Map<String, Double> out = new LinkedHashMap<>();
        if (localExpected <= 0 || localUp >= localExpected) {
            out.put(local, 1.0);
            return out;
        }
        double stay = localUp / localExpected;
        out.put(local, stay);
        Map<String, Double> residual = new LinkedHashMap<>();
        double residualSum = 0;
        for (Map.Entry<String, Double> e : upstream.entrySet()) {
            if (e.getKey().equals(local)) {
                continue;
            }
            double r = Math.max(0, e.getValue() - expected.getOrDefault(e.getKey(), 0.0));
            residual.put(e.getKey(), r);
            residualSum += r;
        }
        boolean none = residualSum <= 0;
        double base = none ? upstream.entrySet().stream().filter(e -> !e.getKey().equals(local))
                .mapToDouble(Map.Entry::getValue).sum() : residualSum;
        for (Map.Entry<String, Double> e : residual.entrySet()) {
            double w = none ? upstream.get(e.getKey()) : e.getValue();
            out.put(e.getKey(), base > 0 ? (1 - stay) * w / base : 0);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ZonePicker" + Arrays.toString(cumulative);
    }
}
