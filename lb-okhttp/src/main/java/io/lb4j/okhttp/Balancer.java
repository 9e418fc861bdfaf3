package io.lb4j.okhttp;

import io.lb4j.api.Lease;
import io.lb4j.api.LoadReport;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import okhttp3.CookieJar;
import okhttp3.Interceptor.Chain;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;

/**
 * One routed call of a {@link LoadBalancingInterceptor}, from the pick to the answer: the first server is
 * picked with the request's hash key or sticky server ({@link StickySessions}); an idempotent, replayable
 * request ({@link ReplayGuard}) on a hedging route goes to the route's {@link Hedger}; otherwise the tries
 * run one after another on the calling chain. Each try rewrites the request to its server ({@link RouteTable#rewrite}), is sent with the
 * client's cookie jar scoped to the logical host ({@link LogicalCookieJar}, put in front of OkHttp by the
 * {@link CookieScope}) while {@link ReplayGuard} watches what was written, and reports its outcome on its {@link Lease}: success, failure (an I/O error, a failure
 * status, the call timeout expiring while the server had the try) or drop (cancelled, interrupted, a
 * refused redirect, anything other than an I/O error). {@link RetryPolicy} decides whether a failed try is
 * requeued or retried on another server. With sticky sessions on, the answer of a server other than the
 * request's sticky one carries a new sticky cookie ({@link StickySessions#stick}).
 *
 * <p>Thread-safety: one instance per interceptor, shared by all calls; it holds only thread-safe parts and
 * each call's state is confined to its thread.
 */
final class Balancer {
    private final RetryPolicy policy;
    private final StickySessions sessions;
    private final boolean preserveHostHeader;
    private final LoadMetricsHeader loadReports;
    private final CookieScope cookies;

    Balancer(RetryPolicy policy, StickySessions sessions, boolean preserveHostHeader, LoadMetricsHeader loadReports,
             CookieScope cookies) {
        this.policy = policy;
        this.cookies = cookies;
        this.sessions = sessions;
        this.preserveHostHeader = preserveHostHeader;
        this.loadReports = loadReports;
    }

    /**
     * Sends {@code request} (already canonical, for a logical host) to servers of {@code route}'s pool.
     *
     * @param started {@link System#nanoTime()} when the interceptor took the call, to recognise the call timeout
     */
    Response balance(Chain chain, Request request, Route route, long started) throws IOException {
        CookieJar clientJar = cookies.clientJar(chain); // first: it may refuse the call (OkHttp 4 without our jar)
        Route.PoolPolicies pp = route.policies();
        pp.retries().deposit();
        pp.requeues().deposit();
        PickContext base = sessions.context(request);
        String stickyId = sessions.stickyServer(clientJar, request, pp.sticky());
        ReplayGuard guard = new ReplayGuard(request);
        LogicalCookieJar jar = new LogicalCookieJar(clientJar, request.url(), route.pool(), sessions.cookieName());
        CookieJar callJar = guard.watch(jar);
        Request template = guard.track(preserveHostHeader ? RouteTable.withHostHeader(sessions.withoutStickyCookie(request))
                : sessions.withoutStickyCookie(request));
        RetryPolicy.Tries tries = new RetryPolicy.Tries();
        Lease lease = firstLease(route.pool(), stickyId == null ? base : base.preferring(stickyId));
        LoadMetricsHeader reports = route.options().readLoadReports() ? loadReports : null;
        if (route.hedger() != null && guard.replayable()) {
            return route.hedger().exchange(chain.call(), template, route, base, lease, policy, reports);
        }
        while (true) {
            Server server = lease.server();
            tries.start(server.id());
            jar.beginTry(server);
            guard.beginTry();
            Response response;
            try {
                response = cookies.proceed(chain, callJar, RouteTable.rewrite(template, server));
            } catch (LogicalCookieJar.OutsidePool e) {
                lease.drop(); // the server answered; the client refused to follow it outside the pool
                throw tries.withEarlier(RedirectRefusedException.of(route.host(), server.id(), e.target()));
            } catch (IOException e) {
                if (RetryPolicy.isCallTimeout(chain.call(), started)) {
                    // The server did not answer within the call's whole time budget: its failure. The
                    // budget is spent, so there is no other try.
                    InterruptedIOException timeout = new InterruptedIOException("call timeout of "
                            + chain.call().timeout().timeoutNanos() / 1_000_000 + " ms expired waiting for server "
                            + server.id());
                    timeout.initCause(e); // what the cancelled socket threw, e.g. "Socket closed"
                    lease.failure(timeout);
                    throw tries.withEarlier(e);
                }
                if (chain.call().isCanceled() || e instanceof LogicalHostLookupException || RetryPolicy.isInterrupt(e)) {
                    lease.drop(); // says nothing about the server
                    throw tries.withEarlier(e);
                }
                lease.failure(e);
                Lease next = policy.afterException(e, guard.maybeSent(), guard.replayable(), chain.call(), route, base, tries);
                if (next == null) {
                    throw tries.withEarlier(e);
                }
                tries.failed(e);
                lease = next;
                continue;
            } catch (Exception e) {
                // A RuntimeException thrown below the interceptor while the try was in flight (e.g. OkHttp failing
                // on a malformed response: a redirect whose Content-Length is negative), or a checked exception
                // OkHttp throws undeclared (InterruptedException while connecting). Says nothing certain about
                // the server; the caller gets an IOException, as OkHttp's contract has it (an async call's
                // dispatcher thread would die of anything else).
                lease.drop();
                throw tries.withEarlier(unexpected(e, server, route));
            } catch (Error e) {
                lease.drop();
                throw e;
            }
            if (reports != null) {
                LoadReport report = reports.read(response.header(LoadMetricsHeader.NAME));
                if (report != null) {
                    lease.report(report);
                }
            }
            int code = response.code();
            BadStatusException bad = policy.isFailure(code) ? new BadStatusException(code, server.id()) : null;
            if (bad != null) {
                lease.failure(bad);
            } else {
                lease.success();
            }
            Lease next = policy.afterStatus(code, guard.replayable(), chain.call(), route, base, tries);
            if (next == null) {
                return sessions.stick(clientJar, request.url(), route.prefix(), pp.sticky(), stickyId,
                        server, response);
            }
            tries.failed(bad != null ? bad : new BadStatusException(code, server.id()));
            RuntimeException undiscardable = discard(response);
            if (undiscardable != null) {
                // OkHttp could not discard the body (e.g. a negative Content-Length): the call's exchange stays
                // open, so this call can make no other try. The next server was picked but sent nothing.
                next.drop();
                ProtocolException malformed = new ProtocolException("HTTP " + code + " from server " + server.id()
                        + " of logical host '" + route.host() + "' has a body that cannot be discarded (a malformed"
                        + " response); not retried");
                malformed.initCause(undiscardable);
                throw tries.withEarlier(malformed);
            }
            lease = next;
        }
    }

    /** {@code e}, thrown below the interceptor during a try, as the IOException to give the caller. */
    private static IOException unexpected(Exception e, Server server, Route route) {
        String where = "server " + server.id() + " of logical host '" + route.host() + "'";
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt(); // keep the interrupt for the caller
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while sending to " + where);
            interrupted.initCause(e);
            return interrupted;
        }
        return new IOException("try on " + where + " failed below the interceptor: " + e, e);
    }

    /** Closes a response the caller will not get; what OkHttp threw when it could not (a body it cannot discard). */
    static RuntimeException discard(Response response) {
        try {
            response.close();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static Lease firstLease(Pool pool, PickContext context) throws NoAvailableServerIOException {
        try {
            // The pool honours a preferred (sticky) server while it is eligible and otherwise picks normally;
            // the response then carries a new cookie for the server that answered.
            return pool.acquire(context);
        } catch (NoAvailableServerException e) {
            throw new NoAvailableServerIOException(e);
        }
    }
}
