package io.lb4j.okhttp;

import io.lb4j.api.Lease;
import io.lb4j.api.LoadReport;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Ticker;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hedged requests on one route (Finagle's {@code BackupRequestFilter}, gRPC hedging): the request is sent to
 * the picked server; if no response came within the hedge delay (fixed, or the configured percentile of
 * this route's recent latency from a {@link LatencyPercentile}) and the hedge budget has a token, the same
 * request is sent to a <em>different</em> server ({@link PickContext#excluding}); the first response wins.
 * The losing try is left to finish ({@link HedgingConfig#loserDrainTimeout()}): its lease stays in flight,
 * since its server is still busy with it, until its response arrives (closed unread) or it fails, and is then
 * {@linkplain Lease#drop() dropped} (a lost race says nothing about its server, so never a failure); one still
 * running at the drain timeout is cancelled and dropped then. The timeout is checked on the route's ticker
 * whenever the route starts a hedged exchange (no timer thread); on a route that goes quiet the hedge
 * client's own timeouts end the loser. With {@link HedgingConfig.Builder#cancelLosers()} the loser is
 * cancelled and dropped at once. A try that fails with an I/O error before the delay goes to another server at once, as
 * a requeue or retry of {@link RetryPolicy} out of the route's requeue and retry budgets, or else as a hedge
 * out of the hedge budget. When every try failed, the caller gets the last failure with the earlier ones
 * suppressed.
 *
 * <p>Both tries are separate calls of the interceptor's hedge {@link Call.Factory} (a client without this
 * interceptor), enqueued on its dispatcher, while the caller's thread waits: an application interceptor
 * cannot run two exchanges of one call at once, nor cancel one without cancelling the call. Hedged
 * exchanges therefore use the hedge client's cookie jar, timeouts and redirect settings, not the calling
 * client's, and do not set sticky cookies; as on any route ({@link HedgeGuard}), their cookies are the logical
 * host's, and a redirect out of the pool is refused before it is sent and ends the exchange with a
 * {@link RedirectRefusedException}.
 *
 * <p>Thread-safety: one instance per route, shared by all calls; the budget and estimator are thread-safe
 * and each exchange's state is confined to it.
 */
final class Hedger {
    /** The caller's wait is cut in slices this long to notice a cancelled call. */
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final HedgingConfig config;
    private final RetryBudget budget;
    private final LatencyPercentile latency;
    private final Call.Factory factory;
    private final Ticker ticker;
    private final long drainNanos;
    /** Losers left to finish, in the order they lost (so by drain deadline); finished ones leave lazily. */
    private final ConcurrentLinkedQueue<Try> draining = new ConcurrentLinkedQueue<>();
    final LongAdder hedged = new LongAdder();
    final LongAdder hedgeWins = new LongAdder();

    Hedger(String poolName, HedgingConfig config, Call.Factory factory, Ticker ticker) {
        this.config = config;
        this.budget = new RetryBudget("hedge", poolName, config.budget(), ticker);
        this.latency = config.delay() != null ? null
                : new LatencyPercentile(config.percentile(), config.window().toNanos(), ticker);
        this.factory = factory;
        this.ticker = ticker;
        this.drainNanos = config.loserDrainTimeout().toNanos();
    }

    RetryBudget budget() {
        return budget;
    }

    /** The hedge delay now: the fixed delay, or the percentile (at least minDelay), or the initial delay. */
    long delayNanos() {
        if (latency == null) {
            return config.delay().toNanos();
        }
        long p = latency.estimate(HedgingConfig.MIN_SAMPLES);
        return p < 0 ? config.initialDelay().toNanos() : Math.max(p, config.minDelay().toNanos());
    }

    /** One hedged exchange. The caller has checked that the request is idempotent and replayable. */
    Response exchange(Call outer, Request template, Route route, PickContext base, Lease first, RetryPolicy policy,
                      LoadMetricsHeader reports) throws IOException {
        expireDrains(ticker.read());
        budget.deposit();
        BlockingQueue<Try> done = new ArrayBlockingQueue<>(2);
        Try a;
        try {
            a = start(first, template, done, route);
        } catch (IOException | RuntimeException e) { // the server's host cannot be used: nothing was sent
            first.failure(e);
            throw e;
        }
        Try b = null;
        int pending = 1;
        IOException failure = null;
        try {
            Try r = await(outer, done, delayNanos());
            if (r != null) {
                pending--;
                if (r.response != null) {
                    return win(r, null, a, policy, reports);
                }
                refuseIfRedirectRefused(r);
                failure = r.failure;
                first.failure(r.failure);
                // A try that failed is a retry's business (a requeue after a connect failure), out of the
                // route's retry and requeue budgets as for any call; the hedge budget only when they say no.
                RetryPolicy.Tries tries = new RetryPolicy.Tries();
                tries.start(first.server().id());
                Lease next = policy.afterException(r.failure, false, true, outer, route, base, tries);
                if (next != null) {
                    try {
                        b = start(next, template, done, route);
                    } catch (IOException | RuntimeException e) {
                        next.failure(e);
                    }
                }
            }
            if (b == null) {
                b = hedge(first, template, route, base, done);
            }
            if (b != null) {
                pending++;
            }
            while (pending > 0) {
                r = await(outer, done, Long.MAX_VALUE);
                pending--;
                if (r.response != null) {
                    return win(r, r == a ? b : a, a, policy, reports);
                }
                refuseIfRedirectRefused(r);
                if (failure != null) {
                    r.failure.addSuppressed(failure);
                }
                failure = r.failure;
                r.lease.failure(r.failure);
            }
            throw failure;
        } catch (IOException | RuntimeException | Error e) {
            // Cancelled or interrupted while waiting, or every try failed (then both are complete already and
            // abandoning them changes nothing: a lease counts its first completion only).
            abandon(a);
            abandon(b);
            throw e;
        }
    }

    private Try hedge(Lease first, Request template, Route route, PickContext base, BlockingQueue<Try> done)
            throws IOException {
        Pool pool = route.pool();
        if (!budget.tryWithdraw()) {
            return null;
        }
        Lease second;
        try {
            second = pool.acquire(base.excluding(List.of(first.server().id())));
        } catch (NoAvailableServerException e) {
            budget.refund(); // no other server: nothing was sent
            return null;
        }
        try {
            Try t = start(second, template, done, route);
            hedged.increment();
            return t;
        } catch (IOException | RuntimeException e) { // that server's host cannot be used: no hedge
            second.failure(e);
            budget.refund();
            return null;
        }
    }

    private Response win(Try winner, Try loser, Try first, RetryPolicy policy, LoadMetricsHeader reports) {
        if (drainNanos > 0) {
            drain(loser);
        } else {
            abandon(loser);
        }
        if (winner != first) {
            hedgeWins.increment();
        }
        Response response = winner.response;
        if (latency != null) {
            // What the caller waited since the first try: the first try's latency when it won, a lower bound
            // of it when the hedge did (so the tail the hedge cut stays in the estimate).
            latency.record(winner.endNanos - first.startNanos);
        }
        if (reports != null) {
            LoadReport report = reports.read(response.header(LoadMetricsHeader.NAME));
            if (report != null) {
                winner.lease.report(report);
            }
        }
        int code = response.code();
        if (policy.isFailure(code)) {
            winner.lease.failure(new BadStatusException(code, winner.lease.server().id()));
        } else {
            winner.lease.success();
        }
        return response;
    }

    /**
     * A try whose server redirected outside the pool (refused before it was sent, {@link HedgeGuard}) ends the
     * exchange, as on any route: its lease is a drop (the server answered; the client refused), and no other
     * try is made. The caller's catch abandons both tries, which drops their leases.
     */
    private static void refuseIfRedirectRefused(Try r) throws RedirectRefusedException {
        if (r.failure instanceof RedirectRefusedException refused) {
            throw refused;
        }
    }

    /** Cancels a try that lost or is no longer wanted, and drops its lease. */
    private static void abandon(Try t) {
        if (t == null || t.abandoned) {
            return;
        }
        t.abandoned = true;
        t.call.cancel();
        t.end();
    }

    /**
     * Leaves a losing try to finish: its lease stays in flight until its callback ends it, or until
     * {@link #expireDrains} cancels it at its deadline.
     */
    private void drain(Try t) {
        if (t == null || t.abandoned) {
            return;
        }
        t.drainDeadline = ticker.read() + drainNanos;
        t.abandoned = true; // from here its callback ends it; if it already ran, end it now
        if (t.response != null || t.failure != null) {
            t.end();
        } else {
            draining.add(t);
        }
    }

    /** Cancels and drops the losers whose drain deadline has passed; forgets those that have finished. */
    private void expireDrains(long now) {
        Try t;
        while ((t = draining.peek()) != null && (t.ended() || now - t.drainDeadline >= 0)) {
            if (draining.remove(t) && !t.ended()) {
                t.call.cancel();
                t.end();
            }
        }
    }

    /** Losers still being drained (tests). */
    int draining() {
        return (int) draining.stream().filter(t -> !t.ended()).count();
    }

    private Try await(Call outer, BlockingQueue<Try> done, long nanos) throws IOException {
        long left = nanos;
        while (true) {
            if (outer.isCanceled()) {
                throw new IOException("Canceled");
            }
            long slice = Math.min(left, SLICE_NANOS);
            Try r;
            try {
                r = done.poll(slice, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a hedged request");
            }
            if (r != null) {
                return r;
            }
            if (left != Long.MAX_VALUE) {
                left -= slice;
                if (left <= 0) {
                    return null;
                }
            }
        }
    }

    private Try start(Lease lease, Request template, BlockingQueue<Try> done, Route route) throws IOException {
        Request request = RouteTable.rewrite(template, lease.server()).newBuilder()
                .tag(HedgeGuard.Try.class, new HedgeGuard.Try(lease.server(), route.pool(), route.host(), template.url()))
                .build();
        Call call = factory.newCall(request);
        Try t = new Try(lease, call, ticker.read());
        call.enqueue(new Callback() {
            @Override
            public void onResponse(Call c, Response response) {
                t.endNanos = ticker.read();
                t.response = response;
                if (t.abandoned) {
                    t.end(); // a loser that finished: closes the response, drops the lease
                } else {
                    done.offer(t);
                }
            }

            @Override
            public void onFailure(Call c, IOException e) {
                t.endNanos = ticker.read();
                t.failure = e;
                if (t.abandoned) {
                    t.end(); // a loser that failed after losing: dropped, not a failure of its server
                } else {
                    done.offer(t);
                }
            }
        });
        return t;
    }

    /** One try of a hedged exchange; written by the dispatcher thread before it is queued. */
    private static final class Try {
        final Lease lease;
        final Call call;
        final long startNanos;
        volatile long endNanos;
        volatile Response response;
        volatile IOException failure;
        volatile boolean abandoned;
        volatile long drainDeadline;
        private final AtomicBoolean ended = new AtomicBoolean();

        Try(Lease lease, Call call, long startNanos) {
            this.lease = lease;
            this.call = call;
            this.startNanos = startNanos;
        }

        /** Once only: drops the lease of an abandoned try and closes its response, if one came. */
        void end() {
            if (ended.compareAndSet(false, true)) {
                lease.drop();
            }
            Response late = response;
            if (late != null) {
                // idempotent; also run when the response lands after the drop. A body OkHttp cannot discard (a
                // negative Content-Length) throws: nobody reads it, and it must not kill the dispatcher thread
                // running this callback, nor reach the caller through win().
                Balancer.discard(late);
            }
        }

        boolean ended() {
            return ended.get();
        }
    }
}
