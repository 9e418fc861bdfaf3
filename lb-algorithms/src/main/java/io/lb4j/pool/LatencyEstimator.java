package io.lb4j.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Finagle's peak-EWMA latency of one server: a sample above the current estimate is taken at once
 * (the peak), a lower one is averaged in with weight {@code 1 - exp(-Δt/τ)}, and reads decay the
 * estimate towards zero with the same time constant τ (the pool's {@code latencyDecay}).
 *
 * <p>Cost: a few arithmetic operations and two plain stores per sample, no lock; {@code exp} is computed
 * from its Taylor series when {@code Δt/τ} is below {@value #SERIES_LIMIT} (samples and reads are usually
 * micro- to milliseconds apart and τ seconds: a relative error below 10<sup>-6</sup>, far inside the
 * estimate's own noise), with {@link Math#exp} otherwise.
 *
 * <p>Thread-safety: lock-free. Writers race on purpose: two samples that complete on one server at the
 * same moment may keep only one of them (Finagle serialises them with a lock; on the request path the
 * lock cost more than the sample is worth). Reads may see the cost of one sample and the stamp of the
 * previous one. The first sample is published through a volatile write.
 *
 * <p>Layout: in the pool, each {@link Member} <em>is</em> its estimator (through {@link MemberHot}), so that
 * the estimate shares one padded cache line with the member's in-flight count instead of costing a second
 * line per request; the class is usable on its own too.
 */
class LatencyEstimator extends CacheLinePad {
    /** Below this {@code Δt/τ} the series is used instead of {@link Math#exp}. */
    static final double SERIES_LIMIT = 0.03125;
    private static final VarHandle COST;
    private static final VarHandle STAMP;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COST = l.findVarHandle(LatencyEstimator.class, "cost", double.class);
            STAMP = l.findVarHandle(LatencyEstimator.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code 1/τ}: a multiplication per decay instead of a division (a division costs ~13 cycles more). */
    private final double decayRate;
    private volatile double cost;
    private volatile long stamp;
    private volatile boolean sampled;

    LatencyEstimator(long decayNanos) {
        this.decayRate = 1.0 / decayNanos;
    }

    /** Records one call's latency at time {@code now}. */
    void observe(long rttNanos, long now) {
        double rtt = rttNanos;
        if (!sampled) {
            COST.setRelease(this, rtt);
            STAMP.setRelease(this, now);
            sampled = true;
            return;
        }
        double c = cost;
        if (rtt > c) {
            c = rtt;
        } else {
            double w = decay(Math.max(now - stamp, 0));
            c = c * w + rtt * (1 - w);
        }
        // release stores: plain moves on x86, no fence; readers need no more than eventual visibility
        COST.setRelease(this, c);
        STAMP.setRelease(this, now);
    }

    /** The estimate decayed to {@code now}; 0 before the first sample. */
    double at(long now) {
        if (!sampled) {
            return 0;
        }
        long td = now - stamp;
        double c = cost;
        return td <= 0 ? c : c * decay(td);
    }

    /** {@code exp(-td/τ)} for {@code td >= 0}. */
    private double decay(long td) {
        double x = td * decayRate;
        if (x < SERIES_LIMIT) {
            return 1 - x * (1 - x * (0.5 - x * (1.0 / 6 - x * (1.0 / 24))));
        }
        return Math.exp(-x);
    }

    /** The estimate as of the last sample, without decay: cheap, for comparing servers. */
    double lastCost() {
        return sampled ? cost : 0;
    }

    boolean sampled() {
        return sampled;
    }
}
