package io.lb4j.pool;

/**
 * Finagle's peak-EWMA latency of one server: a sample above the current estimate is taken at once
 * (the peak), a lower one is averaged in with weight {@code 1 - exp(-Δt/τ)}, and reads decay the
 * estimate towards zero with the same time constant τ (the pool's {@code latencyDecay}).
 *
 * <p>Thread-safety: {@link #observe} is serialised by this object's monitor (a few arithmetic operations);
 * reads are lock-free on volatiles and may see the cost of one sample and the stamp of the previous one,
 * an error well inside the estimate's own noise.
 */
final class LatencyEstimator {
    private final double decayNanos;
    private volatile double cost;
    private volatile long stamp;
    private volatile boolean sampled;

    LatencyEstimator(long decayNanos) {
        this.decayNanos = decayNanos;
    }

    /** Records one call's latency at time {@code now}. */
    synchronized void observe(long rttNanos, long now) {
        double rtt = rttNanos;
        if (!sampled) {
            cost = rtt;
            sampled = true;
        } else {
            long td = Math.max(now - stamp, 0);
            double w = Math.exp(-td / decayNanos);
            cost = rtt > cost ? rtt : cost * w + rtt * (1 - w);
        }
        stamp = now;
    }

    /** The estimate decayed to {@code now}; 0 before the first sample. */
    double at(long now) {
        if (!sampled) {
            return 0;
        }
        long td = now - stamp;
        return td <= 0 ? cost : cost * Math.exp(-td / decayNanos);
    }

    /** The estimate as of the last sample, without decay: cheap, for comparing servers. */
    double lastCost() {
        return sampled ? cost : 0;
    }

    boolean sampled() {
        return sampled;
    }
}
