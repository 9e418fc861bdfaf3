package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.LoadReport;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * gRFC A58's per-server weights from reported load, shared by {@link ReportedLoadRoundRobin} and
 * {@link ReportedLoadLeastRequest}: each server's weight is {@code qps / (utilization + eps / qps ×
 * error_utilization_penalty)} from its latest {@link LoadReport}, counted only after the blackout period,
 * dropped after the expiration period; servers without a usable weight get the mean of the others' (1 when
 * nobody has one); slow start's ramp multiplies the result.
 *
 * <p>Per-server records are kept by server id, so a republish keeps them; a server that leaves the eligible
 * set loses its record (and goes through the blackout again when it returns).
 *
 * <p><b>Thread safety:</b> {@link #states} is called by the strategy's single writer; {@link #weights} may
 * run on any thread (each record is updated under its own monitor).
 */
final class ReportedWeights {
    private static final long NEVER = Long.MIN_VALUE;

    private final ReportedLoadConfig config;
    private final Map<String, ServerWeight> records = new ConcurrentHashMap<>();

    ReportedWeights(ReportedLoadConfig config) {
        this.config = config;
    }

    ReportedLoadConfig config() {
        return config;
    }

    /** The records of {@code endpoints}, in order; records of servers no longer listed are forgotten. */
    ServerWeight[] states(Endpoint[] endpoints) {
        Set<String> ids = new HashSet<>();
        ServerWeight[] states = new ServerWeight[endpoints.length];
        for (int i = 0; i < endpoints.length; i++) {
            String id = endpoints[i].server().id();
            ids.add(id);
            states[i] = records.computeIfAbsent(id, k -> new ServerWeight());
        }
        records.keySet().retainAll(ids);
        return states;
    }

    /**
     * The A58 weight of one report: 0 when it carries no qps or no utilization; at most
     * {@link LoadReport#MAX_VALUE}, so that a report claiming a vanishing utilization (1e15 qps at 1e-300) gives a
     * finite weight and the sum of every server's weight stays finite (an infinite one flattened the schedule).
     */
    static double weightOf(LoadReport r, double errorUtilizationPenalty) {
        double utilization = r.utilization();
        double qps = r.rps();
        if (utilization <= 0 || qps <= 0) {
            return 0;
        }
        double penalty = r.eps() > 0 && errorUtilizationPenalty > 0 ? r.eps() / qps * errorUtilizationPenalty : 0;
        return Math.min(qps / (utilization + penalty), LoadReport.MAX_VALUE);
    }

    /** The weights at {@code now}: A58 weights, the mean for servers without one, times the ramps; each &gt; 0. */
    double[] weights(Endpoint[] endpoints, ServerWeight[] states, double[] ramps, long now) {
        double[] w = new double[endpoints.length];
        double sum = 0;
        int known = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = states[i].update(endpoints[i], now, config);
            if (w[i] > 0) {
                sum += w[i];
                known++;
            }
        }
        double mean = known == 0 ? 1 : sum / known;
        for (int i = 0; i < w.length; i++) {
            if (w[i] <= 0) {
                w[i] = mean;
            }
            if (ramps != null) {
                w[i] = Math.max(w[i] * ramps[i], Double.MIN_NORMAL);
            }
        }
        return w;
    }

    /**
     * One server's A58 weight record: {@code non_empty_since}, {@code last_updated} and the weight, updated
     * from the endpoint's latest report once per update period. Guarded by its own monitor (an old picker's
     * refresh may overlap a new picker's build).
     */
    static final class ServerWeight {
        private LoadReport lastReport;
        private long lastReceived = NEVER;
        private long nonEmptySince = NEVER;
        private long lastUpdated = NEVER;
        private double weight;

        synchronized double update(Endpoint e, long now, ReportedLoadConfig config) {
            LoadReport r = e.loadReport();
            long age = r == null ? -1 : e.loadReportAgeNanos(now);
            if (r != null && age >= 0) {
                long received = now - age;
                if (r != lastReport || received != lastReceived) {
                    lastReport = r;
                    lastReceived = received;
                    double w = weightOf(r, config.errorUtilizationPenalty());
                    if (w > 0) { // A58: a report without a usable weight is ignored
                        if (nonEmptySince == NEVER) {
                            nonEmptySince = received;
                        }
                        lastUpdated = received;
                        weight = w;
                    }
                }
            }
            if (lastUpdated == NEVER) {
                return 0;
            }
            if (now - lastUpdated >= config.weightExpirationPeriod().toNanos()) {
                nonEmptySince = NEVER; // the blackout starts again with the next report
                lastUpdated = NEVER;
                return 0;
            }
            long blackout = config.blackoutPeriod().toNanos();
            if (blackout > 0 && now - nonEmptySince < blackout) {
                return 0;
            }
            return weight;
        }
    }
}
