package io.lb4j.benchmarks.sim;

import io.lb4j.api.LoadReport;
import io.lb4j.api.Server;

import java.util.ArrayDeque;

/**
 * The state of one simulated FIFO server in {@link TailSimulation}: its busy workers and queue, the integral of
 * busy workers over time and the completions behind its load reports, and how often this client picked it.
 *
 * <p>Not thread-safe: used by one single-threaded simulation run.
 */
final class TailServer {
    final int index;
    final Server server;
    final double capacity;
    final ArrayDeque<TailAttempt> queue = new ArrayDeque<>();
    int busy;
    long busyNanos; // integral of busy workers over time
    long lastChange;
    long lastBusyNanos;
    long completions;
    long lastCompletions;
    long picks;
    LoadReport report;

    void accumulate(long now) {
        busyNanos += busy * (now - lastChange);
        lastChange = now;
    }

    TailServer(int index, Server server, double capacity) {
        this.index = index;
        this.server = server;
        this.capacity = capacity;
    }
}
