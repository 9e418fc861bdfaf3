package io.lb4j.benchmarks.sim;

import io.lb4j.api.Lease;

/**
 * One try on one server in {@link TailSimulation}: of a client {@link TailRequest} (with its lease), or of other
 * clients' background traffic (no request, no lease); flags say whether the client gave up on it, whether its
 * lease is held while the losing try drains, whether a worker serves it and whether the server let it go.
 *
 * <p>Not thread-safe: used by one single-threaded simulation run.
 */
final class TailAttempt {
    final TailRequest request;
    final TailServer server;
    final Lease lease;
    final long start;
    boolean abandoned;
    boolean draining;
    boolean inService;
    boolean gone;

    TailAttempt(TailRequest request, TailServer server, Lease lease, long start) {
        this.request = request;
        this.server = server;
        this.lease = lease;
        this.start = start;
        if (request != null) {
            request.attempts.add(this);
        }
    }
}
