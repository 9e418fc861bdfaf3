package io.lb4j.benchmarks.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * One request of the simulated client in {@link TailSimulation}: when it arrived, its tries (the first, a hedge,
 * retries), the servers already tried, whether it is measured (after the warm-up) and whether it is answered.
 *
 * <p>Not thread-safe: used by one single-threaded simulation run.
 */
final class TailRequest {
    final long arrival;
    final List<TailAttempt> attempts = new ArrayList<>(2);
    final List<String> tried = new ArrayList<>(2);
    boolean counted;
    boolean finished;

    TailRequest(long arrival) {
        this.arrival = arrival;
    }
}
