package io.lb4j.benchmarks;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;


/**
 * A hand-set {@link Endpoint} for benchmarking {@code Picker.pick} alone: fixed weight and latency, an
 * in-flight count set once in setup. Laid out as the pool's endpoint: the in-flight count is a volatile
 * field of the endpoint itself.
 *
 * <p>Thread-safe.
 */
public final class BenchEndpoint implements Endpoint {
    private final Server server;
    private final double weight;
    private volatile int inFlight;
    private final double latencyNanos;

    public BenchEndpoint(Server server, double weight, int inFlight, double latencyNanos) {
        this.server = server;
        this.weight = weight;
        this.inFlight = inFlight;
        this.latencyNanos = latencyNanos;
    }

    @Override
    public Server server() {
        return server;
    }

    @Override
    public double weight() {
        return weight;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public double latencyNanos() {
        return latencyNanos;
    }

    @Override
    public boolean hasLatencySample() {
        return latencyNanos > 0;
    }

    @Override
    public HealthState state() {
        return HealthState.UP;
    }

    @Override
    public String toString() {
        return "BenchEndpoint[" + server.id() + " w=" + weight + " inFlight=" + inFlight + " latency=" + latencyNanos + "]";
    }
}
