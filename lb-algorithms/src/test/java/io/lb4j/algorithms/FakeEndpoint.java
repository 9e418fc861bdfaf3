package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthState;
import io.lb4j.api.LoadReport;
import io.lb4j.api.Server;

import java.util.ArrayList;
import java.util.List;

/** A hand-driven {@link Endpoint} for picker-level tests: set in-flight, weight and latency directly. */
public final class FakeEndpoint implements Endpoint {
    private final Server server;
    private volatile double weight;
    private volatile int inFlight;
    private volatile double latencyNanos;
    private volatile boolean sampled;
    private volatile HealthState state = HealthState.UP;
    private volatile LoadReport loadReport;
    private volatile long reportedAt;

    public FakeEndpoint(Server server) {
        this.server = server;
        this.weight = Math.max(server.weight(), 0);
    }

    /** An endpoint of a server with id {@code id}, host 10.0.0.x and the given weight. */
    public static FakeEndpoint of(String id, int weight) {
        return new FakeEndpoint(Server.builder("127.0.0.1", 8080).id(id).weight(weight).build());
    }

    /** Endpoints {@code s0..s(n-1)} with the given weights. */
    public static List<Endpoint> weighted(int... weights) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(of("s" + i, weights[i]));
        }
        return list;
    }

    public FakeEndpoint inFlight(int n) {
        this.inFlight = n;
        return this;
    }

    public FakeEndpoint weight(double w) {
        this.weight = w;
        return this;
    }

    public FakeEndpoint latencyNanos(double nanos) {
        this.latencyNanos = nanos;
        this.sampled = true;
        return this;
    }

    /** Sets the latest load report, received at ticker reading {@code atNanos}. */
    public FakeEndpoint report(LoadReport report, long atNanos) {
        this.reportedAt = atNanos;
        this.loadReport = report;
        return this;
    }

    @Override
    public LoadReport loadReport() {
        return loadReport;
    }

    @Override
    public long loadReportAgeNanos(long nowNanos) {
        return loadReport == null ? -1 : nowNanos - reportedAt;
    }

    public FakeEndpoint state(HealthState s) {
        this.state = s;
        return this;
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
        return sampled;
    }

    @Override
    public HealthState state() {
        return state;
    }

    @Override
    public String toString() {
        return server.id() + "(w=" + weight + ", inFlight=" + inFlight + ")";
    }
}
