package io.lb4j.pool;

import java.time.Duration;

/**
 * nginx's {@code max_fails}/{@code fail_timeout} for one member ({@code ngx_http_upstream_round_robin.c}):
 * {@code maxFails} failures within {@code failTimeout} eject the server for {@code failTimeout}; then it is
 * tried again on probation: one trial request at a time is let through (the member is {@link #gated()}),
 * one failure ejects it again at once and one success restores it fully.
 * Per-server {@code Server.maxFails()}/{@code failTimeout()} override the pool's values, read at each
 * failure; {@code maxFails = 0} never ejects.
 *
 * <p>An ejection is {@link Verdict#HARD hard} when the failure that tripped it could not connect
 * ({@link Failures#isConnectFailure}), an {@link Verdict#OUTLIER outlier} otherwise; an outlier whose later
 * call cannot connect (one the ejection cap held back, so still picked) becomes hard then.
 *
 * <p>Thread-safety: the success path reads two volatiles and takes no lock while the member is healthy;
 * state changes are guarded by this object's monitor; the listener is called outside it.
 */
final class NginxPassiveTracker implements PassiveTracker {
    private final Member member;
    private final PassiveHealth defaults;
    private final Listener listener;

    private final java.util.concurrent.atomic.AtomicBoolean trialTaken = new java.util.concurrent.atomic.AtomicBoolean();
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
        boolean restored = false;
        synchronized (this) {
            if (probation) {
                probation = false;
                failCount = 0;
                trialTaken.set(false);
                reason = "trial call succeeded after fail_timeout";
                restored = true;
            } else if (failCount > 0 && now - windowStart > failTimeoutNanos()) {
                failCount = 0;
            }
        }
        if (restored) {
            listener.changed(reason); // republish: the member takes its full share again
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
            if (verdict == Verdict.OUTLIER && Failures.isConnectFailure(cause)) {
                // An outlier the pool kept serving (maxEjectionPercent held it back) or whose calls were still in
                // flight, that now cannot be connected to, is down: out whatever the cap, from now on.
                since = now;
                reason = "cannot connect after failing as an outlier" + describe(cause);
                verdict = Verdict.HARD;
                why = reason;
            } else if (verdict != Verdict.NONE) {
                return;
            } else {
                why = countFailure(cause, now, maxFails);
                if (why == null) {
                    return;
                }
            }
        }
        listener.changed(why);
    }

    /** Counts a failure of a member in play; returns why it is ejected now, or null. Holds the monitor. */
    private String countFailure(Throwable cause, long now, int maxFails) {
        long failTimeout = failTimeoutNanos();
        String why;
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
                return null;
            }
            why = failCount + (failCount == 1 ? " failure" : " failures") + " within "
                    + Duration.ofNanos(failTimeout) + " (max_fails=" + maxFails + ")" + describe(cause);
        }
        boolean hard = Failures.isConnectFailure(cause);
        member.probe.resetPasses(); // active checks count passes from the ejection on
        trialTaken.set(false);
        since = now;
        reason = why;
        verdict = hard ? Verdict.HARD : Verdict.OUTLIER;
        return why;
    }

    private static String describe(Throwable cause) {
        return cause == null ? "" : ", last: " + cause;
    }

    @Override
    public void onDrop(boolean permitted) {
        if (permitted) {
            trialTaken.set(false); // the trial call did not happen: the next pick may try
        }
    }

    @Override
    public boolean gated() {
        return probation;
    }

    @Override
    public boolean tryAcquirePermission() {
        return !probation || trialTaken.compareAndSet(false, true);
    }

    @Override
    public void releasePermission() {
        trialTaken.set(false);
    }

    @Override
    public synchronized void advance(long now) {
        if (verdict != Verdict.NONE && now - (since + failTimeoutNanos()) >= 0) {
            verdict = Verdict.NONE;
            probation = true;
            trialTaken.set(false);
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
        trialTaken.set(false);
        failCount = 0;
        reason = "active health check passed";
        return true;
    }
}
