package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Lease;
import io.lb4j.api.Outcome;
import io.lb4j.api.Server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lease on one member. Only the first completion counts (a compare-and-set on a flag), so
 * completing twice, even from two threads, never double-counts.
 *
 * <p>Thread-safe.
 */
final class PoolLease implements Lease {
    private static final VarHandle DONE;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(PoolLease.class, "done", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoadBalancingPool pool;
    private final Member member;
    private final long startNanos;
    private final boolean permitted;
    @SuppressWarnings("unused") // accessed through DONE
    private volatile int done;

    PoolLease(LoadBalancingPool pool, Member member, long startNanos, boolean permitted) {
        this.pool = pool;
        this.member = member;
        this.startNanos = startNanos;
        this.permitted = permitted;
    }

    @Override
    public Server server() {
        return member.server;
    }

    @Override
    public Endpoint endpoint() {
        return member;
    }

    @Override
    public void success() {
        complete(Outcome.SUCCESS, null, -1);
    }

    @Override
    public void success(long latencyNanos) {
        complete(Outcome.SUCCESS, null, checkLatency(latencyNanos));
    }

    @Override
    public void failure(Throwable cause) {
        complete(Outcome.FAILURE, cause, -1);
    }

    @Override
    public void failure(Throwable cause, long latencyNanos) {
        complete(Outcome.FAILURE, cause, checkLatency(latencyNanos));
    }

    @Override
    public void drop() {
        complete(Outcome.DROPPED, null, -1);
    }

    @Override
    public void complete(Outcome outcome, Throwable cause, long latencyNanos) {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome must not be null (SUCCESS, FAILURE or DROPPED)");
        }
        if (latencyNanos < -1) {
            throw new IllegalArgumentException("latencyNanos must be >= 0, or -1 to measure since acquire, was " + latencyNanos);
        }
        if (!DONE.compareAndSet(this, 0, 1)) {
            return;
        }
        pool.complete(member, outcome, cause, latencyNanos, startNanos, permitted);
    }

    private static long checkLatency(long latencyNanos) {
        if (latencyNanos < 0) {
            throw new IllegalArgumentException("latencyNanos must be >= 0, was " + latencyNanos);
        }
        return latencyNanos;
    }

    @Override
    public boolean isCompleted() {
        return done != 0;
    }

    @Override
    public String toString() {
        return "Lease[" + member.server.id() + (done != 0 ? ", completed" : ", open") + "]";
    }
}
