package io.lb4j.benchmarks.sim;

/** Small hand-made {@link TailSetup}s for the tail simulation's unit tests. */
final class TailSetups {
    private TailSetups() {
    }

    /**
     * One capacity-1 server without other clients, {@code workers} workers, 10 ms mean service, no slow
     * requests, a slowdown from 100 s to 200 s (factor 1), 300 s runs.
     */
    static TailSetup oneServer(int workers) {
        return new TailSetup(new double[] {1}, new double[] {0}, 0.5, workers, 10, 0, 1, 1, 100, 200, 0, 0, 300, 0,
                1);
    }
}
