package io.lb4j.okhttp;

import io.lb4j.api.Lease;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import okhttp3.Call;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a failed try of a call goes to another server, and on which allowance. Two kinds, as in
 * Finagle, which keeps requeues apart from retries:
 * <ul>
 *   <li><b>Requeue</b>: the try failed before the request reached a server (connection refused, connect
 *       timeout, no route to host, unknown host, TLS handshake failure) and nothing of it was written
 *       ({@link ReplayGuard}). Safe for any method, since nothing was sent. At most {@code maxRequeues}
 *       per call, each taken from the pool's <em>requeue</em> budget (generous by default), so that dead
 *       servers cost the caller nothing while a dead fleet cannot multiply the load without bound.</li>
 *   <li><b>Retry</b> (nginx {@code proxy_next_upstream}): the request reached a server and failed there
 *       (reset, unexpected end of stream, a read timeout unless {@code retryOnTimeout} is off, or a status
 *       in the retry set). Only for an idempotent, replayable request; at most {@code maxTries - 1} per
 *       call, each taken from the pool's <em>retry</em> budget.</li>
 * </ul>
 * Both exclude every server the call already tried ({@link PickContext#excluding}), so a call makes at
 * most as many tries as the pool has eligible servers. A token taken for a try that the pool could not
 * serve (no other server) is given back.
 *
 * <p>Immutable and thread-safe; the per-call state is a {@link Tries}.
 */
final class RetryPolicy {
    /** How far a failed try got. */
    enum Failure { NOT_SENT, TIMEOUT, OTHER }

    private final int maxTries;
    private final int maxRequeues;
    private final boolean retryOnTimeout;
    private final boolean[] retryStatus;
    private final boolean[] failureStatus;

    RetryPolicy(int maxTries, int maxRequeues, boolean retryOnTimeout, Set<Integer> retryStatuses,
                Set<Integer> failureStatuses) {
        this.maxTries = maxTries;
        this.maxRequeues = maxRequeues;
        this.retryOnTimeout = retryOnTimeout;
        this.retryStatus = table(retryStatuses);
        this.failureStatus = table(failureStatuses);
    }

    /** Whether a status counts as a failure of the server (passive health). */
    boolean isFailure(int code) {
        return in(failureStatus, code);
    }

    /**
     * The lease for the next try after a response with {@code code}, or null to give the caller this
     * response.
     */
    Lease afterStatus(int code, boolean replayable, Call call, Route route, PickContext base, Tries tries) {
        return in(retryStatus, code) && replayable ? retry(call, route, base, tries) : null;
    }

    /**
     * The lease for the next try after a try failed with {@code e}, or null to give the caller {@code e}.
     *
     * @param maybeSent    whether the request may have been sent although {@code e} is a connect-phase error
     *                   (its body was written, or OkHttp started a follow-up): then it is not requeued
     * @param replayable whether the request may be sent again after it reached a server
     */
    Lease afterException(IOException e, boolean maybeSent, boolean replayable, Call call, Route route, PickContext base,
                         Tries tries) {
        Failure kind = classify(e);
        if (kind == Failure.NOT_SENT && !maybeSent) {
            return requeue(call, route, base, tries);
        }
        boolean retryable = replayable && (kind != Failure.TIMEOUT || retryOnTimeout);
        return retryable ? retry(call, route, base, tries) : null;
    }

    private Lease requeue(Call call, Route route, PickContext base, Tries tries) {
        if (tries.requeues >= maxRequeues || call.isCanceled()) {
            return null;
        }
        Lease next = next(route.policies().requeues(), route, base, tries);
        if (next != null) {
            tries.requeues++;
        }
        return next;
    }

    private Lease retry(Call call, Route route, PickContext base, Tries tries) {
        if (tries.retries + 1 >= maxTries || call.isCanceled()) {
            return null;
        }
        Lease next = next(route.policies().retries(), route, base, tries);
        if (next != null) {
            tries.retries++;
        }
        return next;
    }

    private static Lease next(RetryBudget budget, Route route, PickContext base, Tries tries) {
        if (!budget.tryWithdraw()) {
            return null;
        }
        try {
            return route.pool().acquire(base.excluding(tries.servers));
        } catch (NoAvailableServerException e) {
            budget.refund(); // no other server: the try did not happen
            return null;
        }
    }

    /** Slack for recognising the call timeout: the time a call may spend before the interceptor runs. */
    private static final long CALL_TIMEOUT_SLACK_NANOS = 5_000_000L;

    /**
     * Whether the try failed because OkHttp's call timeout ({@code callTimeout}) fired: the call was
     * cancelled and its time budget has run out. OkHttp cancels the call when the timeout fires, so the
     * try fails with whatever the cancelled socket threw ("Socket closed"); only above all interceptors
     * is it turned into an {@link InterruptedIOException} "timeout". The budget started when the call
     * was executed, at most a few interceptors before {@code started}.
     */
    static boolean isCallTimeout(Call call, long started) {
        long budget = call.timeout().timeoutNanos();
        return budget > 0 && call.isCanceled()
                && System.nanoTime() - started >= budget - Math.min(CALL_TIMEOUT_SLACK_NANOS, budget / 10);
    }

    /** Whether {@code e} is the calling thread being interrupted, not a timeout: a drop, never retried. */
    static boolean isInterrupt(IOException e) {
        return Thread.currentThread().isInterrupted()
                || (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException));
    }

    static Failure classify(IOException e) {
        if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException
                || e instanceof PortUnreachableException || e instanceof SSLHandshakeException) {
            return Failure.NOT_SENT;
        }
        if (e instanceof SocketTimeoutException) {
            String m = e.getMessage();
            return m != null && m.toLowerCase(Locale.ROOT).contains("connect timed out") ? Failure.NOT_SENT : Failure.TIMEOUT;
        }
        return Failure.OTHER;
    }

    /** 500 and 502 to 599. */
    static Set<Integer> defaultFailureStatuses() {
        Set<Integer> s = new TreeSet<>();
        s.add(500);
        for (int c = 502; c <= 599; c++) {
            s.add(c);
        }
        return Collections.unmodifiableSet(s);
    }

    /** Validates a set of HTTP statuses (100 to 599) and returns an unmodifiable sorted copy. */
    static Set<Integer> statuses(String field, java.util.Collection<Integer> statuses) {
        Checks.notNull(field, statuses);
        Set<Integer> set = new TreeSet<>();
        for (Integer s : statuses) {
            if (s == null || s < 100 || s > 599) {
                throw new IllegalArgumentException(field + " must contain HTTP statuses in [100, 599], had " + s
                        + " in " + statuses);
            }
            set.add(s);
        }
        return Collections.unmodifiableSet(set);
    }

    private static boolean in(boolean[] table, int code) {
        return code >= 0 && code < table.length && table[code];
    }

    private static boolean[] table(Set<Integer> codes) {
        boolean[] t = new boolean[600];
        for (int c : codes) {
            t[c] = true;
        }
        return t;
    }

    @Override
    public String toString() {
        return "maxTries=" + maxTries + ", maxRequeues=" + maxRequeues + ", retryOnTimeout=" + retryOnTimeout;
    }

    /**
     * The tries of one call: the servers tried (never picked again), how many retries and requeues it
     * made, and the failures of the earlier tries (attached to the final exception as suppressed). Used by
     * one call at a time; not thread-safe.
     */
    static final class Tries {
        final List<String> servers = new ArrayList<>(4);
        int retries;
        int requeues;
        private List<Throwable> earlier;

        /** Records that a try goes to {@code serverId}. */
        void start(String serverId) {
            servers.add(serverId);
        }

        /** Records the failure of a try that is followed by another. */
        void failed(Throwable t) {
            if (earlier == null) {
                earlier = new ArrayList<>(2);
            }
            earlier.add(t);
        }

        /** {@code e} with the earlier tries' failures attached as suppressed exceptions. */
        <E extends Throwable> E withEarlier(E e) {
            if (earlier != null) {
                for (Throwable t : earlier) {
                    if (t != e) {
                        e.addSuppressed(t);
                    }
                }
            }
            return e;
        }
    }
}
