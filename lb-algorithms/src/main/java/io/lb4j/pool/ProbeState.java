package io.lb4j.pool;

import io.lb4j.api.HealthCheckResult;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One member's active-health record: consecutive passes and failures, the rise/fall verdict, and
 * whether a probe is in flight (at most one per server, HAProxy-style).
 *
 * <p>Thread-safety: {@link #apply} and {@link #resetPasses} are synchronised on this object; the verdict
 * fields are volatile for the pool's lock-free reads; the in-flight flag is atomic.
 */
final class ProbeState {
    /** What one probe result did to the verdict. */
    enum Change { NONE, FELL, ROSE }

    final AtomicBoolean probing = new AtomicBoolean();
    /** Settles when the latest probe has an answer (or timed out). */
    volatile CompletableFuture<Void> current;
    private int passed;
    private int failed;
    private volatile boolean down;
    private volatile long since;
    private volatile String detail = "";

    /** Records one probe result against {@code rise}/{@code fall}. */
    synchronized Change apply(HealthCheckResult r, int rise, int fall, long now) {
        detail = r.detail();
        if (r.healthy()) {
            failed = 0;
            passed = passed == Integer.MAX_VALUE ? passed : passed + 1;
            if (down && passed >= rise) {
                down = false;
                return Change.ROSE;
            }
        } else {
            passed = 0;
            failed = failed == Integer.MAX_VALUE ? failed : failed + 1;
            if (!down && failed >= fall) {
                down = true;
                since = now;
                return Change.FELL;
            }
        }
        return Change.NONE;
    }

    /** Consecutive passes so far (a passive ejection restores after {@code rise} of them). */
    synchronized int passes() {
        return passed;
    }

    /** Starts counting passes again: called when passive health ejects the member. */
    synchronized void resetPasses() {
        passed = 0;
    }

    boolean down() {
        return down;
    }

    long since() {
        return since;
    }

    String detail() {
        return detail;
    }
}
