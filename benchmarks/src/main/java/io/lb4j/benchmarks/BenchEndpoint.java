package io.lb4j.benchmarks;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-set {@link Endpoint} for benchmarking {@code Picker.pick} alone: fixed weight and latency, an
 * in-flight count set once in setup. Reads are plain atomics/finals, as the pool's endpoint.
 *
 * <p>Thread-safe.
 */
public final class BenchEndpoint implements Endpoint {
    private final Server server;
    private final double weight;
    private final AtomicInteger inFlight;
    private final double latencyNanos;

    public BenchEndpoint(Server server, double weight, int inFlight, double latencyNanos) {
        this.server = server;
        this.weight = weight;
        this.inFlight = new AtomicInteger(inFlight);
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
        return inFlight.get();
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
