package io.lb4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The load a server reports about itself, as an ORCA {@code OrcaLoadReport} (gRPC's
 * {@code endpoint-load-metrics}, the report Envoy and gRPC's {@code weighted_round_robin} read): CPU and
 * application utilization, memory utilization, requests and errors per second, requests in flight, and
 * optional named utilizations and metrics. A client passes it to the pool with
 * {@link Lease#report(LoadReport)}; the pool keeps the latest one per endpoint with its age
 * ({@link Endpoint#loadReport()}, {@link Endpoint#loadReportAgeNanos(long)}), and strategies that balance
 * by reported load read it there.
 *
 * <p>As in ORCA, a value of {@code 0} means "not reported" for every rate and utilization (a server that
 * reports {@code rps_fractional=0} reports nothing a weight can be computed from), and
 * {@link #requestsInFlight()} is {@code -1} when not reported. Utilizations may exceed 1 (a container
 * above its soft CPU limit) except memory and the named utilizations, which are fractions in [0, 1].
 *
 * <p>Immutable and thread-safe. Built by {@link #custom()}; every setter validates at once and names the
 * field, the value and the range allowed.
 */
public final class LoadReport {
    /** Largest value accepted for a utilization, a rate or a named metric: keeps every weight finite. */
    public static final double MAX_VALUE = 1e15;
    /** Most named utilizations plus named metrics one report may carry. */
    public static final int MAX_NAMED = 64;

    private final double cpuUtilization;
    private final double applicationUtilization;
    private final double memUtilization;
    private final double rps;
    private final double eps;
    private final int requestsInFlight;
    private final Map<String, Double> utilizations;
    private final Map<String, Double> namedMetrics;

    private LoadReport(Builder b) {
        this.cpuUtilization = b.cpuUtilization;
        this.applicationUtilization = b.applicationUtilization;
        this.memUtilization = b.memUtilization;
        this.rps = b.rps;
        this.eps = b.eps;
        this.requestsInFlight = b.requestsInFlight;
        this.utilizations = b.utilizations.isEmpty() ? Collections.emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(b.utilizations));
        this.namedMetrics = b.namedMetrics.isEmpty() ? Collections.emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(b.namedMetrics));
    }

    /** A builder with nothing reported. */
    public static Builder custom() {
        return new Builder();
    }

    /** CPU utilization (ORCA {@code cpu_utilization}), {@code >= 0}; 0 when not reported. */
    public double cpuUtilization() {
        return cpuUtilization;
    }

    /** Application-defined utilization (ORCA {@code application_utilization}), {@code >= 0}; 0 when not reported. */
    public double applicationUtilization() {
        return applicationUtilization;
    }

    /** Memory utilization (ORCA {@code mem_utilization}) in [0, 1]; 0 when not reported. */
    public double memUtilization() {
        return memUtilization;
    }

    /** Requests per second the server served (ORCA {@code rps_fractional}, gRPC's qps), {@code >= 0}; 0 when not reported. */
    public double rps() {
        return rps;
    }

    /** Errors per second (ORCA {@code eps}), {@code >= 0}; 0 when not reported. */
    public double eps() {
        return eps;
    }

    /** Requests in flight on the server (all clients), or {@code -1} when not reported. */
    public int requestsInFlight() {
        return requestsInFlight;
    }

    /**
     * The utilization gRFC A58 weights by: {@link #applicationUtilization()} when reported (above 0),
     * otherwise {@link #cpuUtilization()}.
     */
    public double utilization() {
        return applicationUtilization > 0 ? applicationUtilization : cpuUtilization;
    }

    /** Named utilizations (ORCA {@code utilization} map), each in [0, 1]; unmodifiable, usually empty. */
    public Map<String, Double> utilizations() {
        return utilizations;
    }

    /** Named metrics (ORCA {@code named_metrics}), each {@code >= 0}; unmodifiable, usually empty. */
    public Map<String, Double> namedMetrics() {
        return namedMetrics;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LoadReport)) {
            return false;
        }
        LoadReport r = (LoadReport) o;
        return Double.compare(cpuUtilization, r.cpuUtilization) == 0
                && Double.compare(applicationUtilization, r.applicationUtilization) == 0
                && Double.compare(memUtilization, r.memUtilization) == 0 && Double.compare(rps, r.rps) == 0
                && Double.compare(eps, r.eps) == 0 && requestsInFlight == r.requestsInFlight
                && utilizations.equals(r.utilizations) && namedMetrics.equals(r.namedMetrics);
    }

    @Override
    public int hashCode() {
        int h = Double.hashCode(cpuUtilization);
        h = 31 * h + Double.hashCode(applicationUtilization);
        h = 31 * h + Double.hashCode(memUtilization);
        h = 31 * h + Double.hashCode(rps);
        h = 31 * h + Double.hashCode(eps);
        h = 31 * h + requestsInFlight;
        return 31 * (31 * h + utilizations.hashCode()) + namedMetrics.hashCode();
    }

    @Override
    public String toString() {
        return "LoadReport[cpu=" + cpuUtilization + ", application=" + applicationUtilization + ", mem=" + memUtilization
                + ", rps=" + rps + ", eps=" + eps + (requestsInFlight < 0 ? "" : ", inFlight=" + requestsInFlight)
                + (utilizations.isEmpty() ? "" : ", utilization=" + utilizations)
                + (namedMetrics.isEmpty() ? "" : ", namedMetrics=" + namedMetrics) + "]";
    }

    /** Builds a {@link LoadReport}. Not thread-safe. */
    public static final class Builder {
        private double cpuUtilization;
        private double applicationUtilization;
        private double memUtilization;
        private double rps;
        private double eps;
        private int requestsInFlight = -1;
        private final Map<String, Double> utilizations = new LinkedHashMap<>();
        private final Map<String, Double> namedMetrics = new LinkedHashMap<>();

        private Builder() {
        }

        /** @param value finite, in [0, {@value LoadReport#MAX_VALUE}] */
        public Builder cpuUtilization(double value) {
            this.cpuUtilization = check("cpuUtilization", value, MAX_VALUE);
            return this;
        }

        /** @param value finite, in [0, {@value LoadReport#MAX_VALUE}] */
        public Builder applicationUtilization(double value) {
            this.applicationUtilization = check("applicationUtilization", value, MAX_VALUE);
            return this;
        }

        /** @param value in [0, 1] */
        public Builder memUtilization(double value) {
            this.memUtilization = check("memUtilization", value, 1);
            return this;
        }

        /** @param value requests per second, finite, in [0, {@value LoadReport#MAX_VALUE}] */
        public Builder rps(double value) {
            this.rps = check("rps", value, MAX_VALUE);
            return this;
        }

        /** @param value errors per second, finite, in [0, {@value LoadReport#MAX_VALUE}] */
        public Builder eps(double value) {
            this.eps = check("eps", value, MAX_VALUE);
            return this;
        }

        /** @param value requests in flight on the server, {@code >= 0} */
        public Builder requestsInFlight(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("requestsInFlight must be >= 0, was " + value);
            }
            this.requestsInFlight = value;
            return this;
        }

        /**
         * A named utilization (ORCA {@code utilization} map).
         *
         * @param name  not blank, at most 128 characters; a name given twice keeps the last value
         * @param value in [0, 1]
         */
        public Builder utilization(String name, double value) {
            named(utilizations, "utilization", name, check("utilization '" + name + "'", value, 1));
            return this;
        }

        /**
         * A named metric (ORCA {@code named_metrics}).
         *
         * @param name  not blank, at most 128 characters; a name given twice keeps the last value
         * @param value finite, in [0, {@value LoadReport#MAX_VALUE}]
         */
        public Builder namedMetric(String name, double value) {
            named(namedMetrics, "namedMetric", name, check("namedMetric '" + name + "'", value, MAX_VALUE));
            return this;
        }

        private void named(Map<String, Double> map, String field, String name, double value) {
            Checks.notBlank(field + " name", name);
            if (name.length() > 128) {
                throw new IllegalArgumentException(field + " name must be at most 128 characters, was " + name.length());
            }
            if (!map.containsKey(name) && utilizations.size() + namedMetrics.size() >= MAX_NAMED) {
                throw new IllegalArgumentException("a load report carries at most " + MAX_NAMED
                        + " named utilizations and metrics; '" + name + "' is one too many");
            }
            map.put(name, value);
        }

        private static double check(String field, double value, double max) {
            if (!(value >= 0 && value <= max)) { // also false for NaN
                throw new IllegalArgumentException(field + " must be a finite number in [0, " + max + "], was " + value);
            }
            return value;
        }

        /** The immutable report. */
        public LoadReport build() {
            return new LoadReport(this);
        }
    }
}
