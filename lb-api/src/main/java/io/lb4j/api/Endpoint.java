package io.lb4j.api;

/**
 * The live view of one {@link Server} in a pool: what algorithms read when they pick.
 *
 * <p>A pool keeps one endpoint per server for as long as the server is a member, across every
 * republished {@link Picker}, so counters and the latency average are never reset by a membership
 * or health change. The same endpoint instance is handed to every picker; identify a server across
 * pickers by {@code server().id()}.
 *
 * <p>Thread-safe: every method is a plain read of atomics or volatiles and may be called from any
 * thread while others pick and complete leases.
 */
public interface Endpoint {

    /** The server this endpoint stands for. */
    Server server();

    /**
     * The weight algorithms must balance by: the server's weight, ramped by slow start while the
     * server is warming up. Always greater than zero for an endpoint a picker is given (quiesced
     * servers are never given to a picker). It changes only when the pool publishes a new picker.
     */
    double weight();

    /** This client's requests currently in flight on this server (leases acquired, not yet completed). */
    int inFlight();

    /**
     * Calls to this server that failed since its last success, capped by the pool (lb4j's pool caps it
     * at 8); 0 for a healthy server. Load-based strategies (least-request) count each as a request in
     * flight, so that a server that fails fast does not look idle and attract traffic. The default is 0.
     */
    default int consecutiveFailures() {
        return 0;
    }

    /**
     * Finagle's peak-EWMA latency in nanoseconds, decayed to now: the largest recent latency, fading
     * towards the average with the pool's decay time. {@code 0} until {@link #hasLatencySample()}.
     */
    double latencyNanos();

    /**
     * {@link #latencyNanos()} decayed to the given reading of the pool's ticker, so that a picker comparing
     * several endpoints reads the clock once per request. The default ignores the argument.
     */
    default double latencyNanos(long nowNanos) {
        return latencyNanos();
    }

    /** Whether at least one completed call has fed {@link #latencyNanos()}. */
    boolean hasLatencySample();

    /** The current health state. */
    HealthState state();

    /**
     * The latest {@link LoadReport} this server sent (through {@link Lease#report(LoadReport)}), or
     * {@code null} when it never reported. Strategies balancing by reported load read it with
     * {@link #loadReportAgeNanos(long)}; a report and its age are read separately, so a report arriving
     * between the two reads pairs an older report with a newer age, never the reverse. The default is null.
     */
    default LoadReport loadReport() {
        return null;
    }

    /**
     * How long ago, on the pool's ticker, the latest load report arrived: {@code nowNanos} minus the
     * reading when it was recorded, or {@code -1} when there is none. The default is -1.
     *
     * @param nowNanos a reading of the pool's ticker
     */
    default long loadReportAgeNanos(long nowNanos) {
        return -1;
    }
}
