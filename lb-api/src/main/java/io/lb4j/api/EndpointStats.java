package io.lb4j.api;

/**
 * A point-in-time copy of one server's counters in a pool.
 *
 * @param server        the server
 * @param state         its health state
 * @param weight        its effective weight (ramped by slow start; 0 when quiesced)
 * @param inFlight      requests in flight now
 * @param picks         leases acquired since it joined
 * @param successes     leases completed with success
 * @param failures      leases completed with failure
 * @param drops         leases completed as dropped
 * @param latencyNanos  peak-EWMA latency decayed to now (0 before the first sample)
 */
public record EndpointStats(Server server, HealthState state, double weight, int inFlight, long picks,
                            long successes, long failures, long drops, double latencyNanos) {
}
