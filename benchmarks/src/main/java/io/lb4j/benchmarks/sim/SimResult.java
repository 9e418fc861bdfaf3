package io.lb4j.benchmarks.sim;

import org.HdrHistogram.Histogram;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one simulated run measured. Only requests that arrived after the warm-up count.
 * Latencies are those of successful requests, in microseconds, from arrival to completion
 * (queueing included); errors are failed requests plus requests the pool rejected.
 */
public final class SimResult {
    private final String strategy;
    private final Scenario scenario;
    private final Histogram latencyMicros;
    private final long requests;
    private final long failures;
    private final long rejected;
    private final long requestsAfterEjection;
    private final long errorsAfterEjection;
    private final double firstEjectionSeconds;
    private final Map<String, Long> picks;

    SimResult(String strategy, Scenario scenario, Histogram latencyMicros, long requests, long failures, long rejected,
              long requestsAfterEjection, long errorsAfterEjection, double firstEjectionSeconds, Map<String, Long> picks) {
        this.strategy = strategy;
        this.scenario = scenario;
        this.latencyMicros = latencyMicros;
        this.requests = requests;
        this.failures = failures;
        this.rejected = rejected;
        this.requestsAfterEjection = requestsAfterEjection;
        this.errorsAfterEjection = errorsAfterEjection;
        this.firstEjectionSeconds = firstEjectionSeconds;
        this.picks = Collections.unmodifiableMap(new LinkedHashMap<>(picks));
    }

    public String strategy() {
        return strategy;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Successful requests' latencies in microseconds (a copy would be safer; do not mutate). */
    public Histogram latencyMicros() {
        return latencyMicros;
    }

    /** The latency at {@code percentile} (0 to 100) of successful requests, in milliseconds. */
    public double percentileMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double p50Millis() {
        return percentileMillis(50);
    }

    public double p99Millis() {
        return percentileMillis(99);
    }

    public double p999Millis() {
        return percentileMillis(99.9);
    }

    public double meanMillis() {
        return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMean() / 1000.0;
    }

    /** Requests that arrived after the warm-up. */
    public long requests() {
        return requests;
    }

    /** Requests that failed on a server. */
    public long failures() {
        return failures;
    }

    /** Requests the pool rejected (no available server). */
    public long rejected() {
        return rejected;
    }

    /** (failures + rejected) / requests. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) (failures + rejected) / requests;
    }

    /**
     * The error rate among requests that arrived after passive health first ejected a server; NaN when no
     * server was ever ejected.
     */
    public double errorRateAfterEjection() {
        return requestsAfterEjection == 0 ? Double.NaN : (double) errorsAfterEjection / requestsAfterEjection;
    }

    /** Virtual seconds into the run of the first ejection, or NaN. */
    public double firstEjectionSeconds() {
        return firstEjectionSeconds;
    }

    /** Picks per server id, in server order (counted after the warm-up). */
    public Map<String, Long> picks() {
        return picks;
    }

    /** The share (0 to 1) of the counted picks that went to {@code serverId}. */
    public double share(String serverId) {
        long total = 0;
        for (long p : picks.values()) {
            total += p;
        }
        Long p = picks.get(serverId);
        return total == 0 || p == null ? 0 : (double) p / total;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s/%s: p50=%.2fms p99=%.2fms p99.9=%.2fms errors=%.3f%% n=%d",
                strategy, scenario.cliName(), p50Millis(), p99Millis(), p999Millis(), 100 * errorRate(), requests);
    }
}
