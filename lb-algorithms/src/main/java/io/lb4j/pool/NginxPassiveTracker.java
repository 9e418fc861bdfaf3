package io.lb4j.pool;

import java.time.Duration;

/**
 * nginx's {@code max_fails}/{@code fail_timeout} for one member ({@code ngx_http_upstream_round_robin.c}):
 * {@code maxFails} failures within {@code failTimeout} eject the server for {@code failTimeout}; then it is
 * tried again on probation, where one failure ejects it again at once and one success restores it fully.
 * Per-server {@code Server.maxFails()}/{@code failTimeout()} override the pool's values, read at each
 * failure; {@code maxFails = 0} never ejects.
 *
 * <p>An ejection is {@link Verdict#HARD hard} when the failure that tripped it could not connect
 * ({@link Failures#isConnectFailure}), an {@link Verdict#OUTLIER outlier} otherwise.
 *
 * <p>Thread-safety: the success path reads two volatiles and takes no lock while the member is healthy;
 * state changes are guarded by this object's monitor; the listener is called outside it.
 */
final class NginxPassiveTracker implements PassiveTracker {
    private final Member member;
    private final PassiveHealth defaults;
    private final Listener listener;

    private volatile int failCount;
    private long windowStart;
    /** Restored after fail_timeout with failures still counted: one more failure ejects again. */
    private volatile boolean probation;
    private volatile Verdict verdict = Verdict.NONE;
    private volatile long since;
    private volatile String reason = "";

    NginxPassiveTracker(Member member, PassiveHealth defaults, Listener listener) {
        this.member = member;
        this.defaults = defaults;
        this.listener = listener;
    }

    private int maxFails() {
        return member.server.maxFails().orElse(defaults.maxFails());
    }

    private long failTimeoutNanos() {
        return member.server.failTimeout().orElse(defaults.failTimeout()).toNanos();
    }

    @Override
    public void onSuccess(long latencyNanos, long now) {
        if (failCount == 0 && !probation) {
            return; // the common case: no lock, no write
        }
        synchronized (this) {
            if (probation) {
                probation = false;
                failCount = 0;
            } else if (failCount > 0 && now - windowStart > failTimeoutNanos()) {
                failCount = 0;
            }
        }
    }

    @Override
    public void onFailure(Throwable cause, long latencyNanos, long now) {
        int maxFails = maxFails();
        if (maxFails == 0) {
            return;
        }
        String why;
        synchronized (this) {
            if (verdict != Verdict.NONE) {
                return;
            }
            long failTimeout = failTimeoutNanos();
            if (probation) {
                probation = false;
                failCount = maxFails;
                why = "failed again after fail_timeout " + Duration.ofNanos(failTimeout) + describe(cause);
            } else {
                if (failCount == 0 || now - windowStart > failTimeout) {
                    windowStart = now;
                    failCount = 1;
                } else {
                    failCount++;
                }
                if (failCount < maxFails) {
                    return;
                }
                why = failCount + (failCount == 1 ? " failure" : " failures") + " within "
                        + Duration.ofNanos(failTimeout) + " (max_fails=" + maxFails + ")" + describe(cause);
            }
            boolean hard = Failures.isConnectFailure(cause);
            since = now;
            reason = why;
            verdict = hard ? Verdict.HARD : Verdict.OUTLIER;
        }
        listener.ejected(why);
    }

    private static String describe(Throwable cause) {
        return cause == null ? "" : ", last: " + cause;
    }

    @Override
    public void onDrop(boolean permitted) {
    }

    @Override
    public synchronized void advance(long now) {
        if (verdict != Verdict.NONE && now - (since + failTimeoutNanos()) >= 0) {
            verdict = Verdict.NONE;
            probation = true;
            reason = "fail_timeout elapsed, trying again";
        }
    }

    @Override
    public long deadline(long now) {
        return verdict == Verdict.NONE ? Long.MAX_VALUE : since + failTimeoutNanos();
    }

    @Override
    public Verdict verdict() {
        return verdict;
    }

    @Override
    public long ejectedSince() {
        return verdict == Verdict.NONE ? Long.MAX_VALUE : since;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public synchronized boolean restore(long now) {
        if (verdict == Verdict.NONE) {
            return false;
        }
        verdict = Verdict.NONE;
        probation = false;
        failCount = 0;
        reason = "active health check passed";
        return true;
    }
}
