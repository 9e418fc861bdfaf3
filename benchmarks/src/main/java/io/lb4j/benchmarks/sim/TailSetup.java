package io.lb4j.benchmarks.sim;

/**
 * One tail-latency scenario of issue 14, as data: the servers' capacities and the share of each used by
 * other clients, the traffic, and what goes wrong (random slow requests, a fleet-wide slowdown), and what
 * the client does about it (hedging, retries after a timeout).
 *
 * @param capacities          each server's speed (1 = mean service time; 2 = twice as fast)
 * @param background          each server's share of its capacity taken by other clients' traffic, [0, 1)
 * @param utilisation         this client's load / the servers' spare capacity
 * @param workers             concurrent workers per server
 * @param meanServiceMillis   mean service time of a capacity-1 server
 * @param slowProbability     probability that a request is {@code slowFactor} times slower (a GC pause)
 * @param slowFactor          how much slower such a request is
 * @param slowdownFactor      every server's service time is multiplied by this between the two times
 * @param slowdownFromSeconds start of the fleet-wide slowdown
 * @param slowdownToSeconds   end of the fleet-wide slowdown
 * @param hedgePercentile     hedge after this percentile of recent latency; 0 = no hedging
 * @param timeoutMillis       a try is failed (and retried within the retry budget) after this; 0 = none
 * @param durationSeconds     virtual seconds per run
 * @param warmupSeconds       virtual seconds not counted
 * @param seed                random seed
 */
public record TailSetup(double[] capacities, double[] background, double utilisation, int workers,
                        double meanServiceMillis, double slowProbability, double slowFactor, double slowdownFactor,
                        double slowdownFromSeconds, double slowdownToSeconds, double hedgePercentile,
                        long timeoutMillis, double durationSeconds, double warmupSeconds, long seed) {

    /** The same setup with hedging at {@code percentile} (0 turns it off). */
    public TailSetup hedging(double percentile) {
        return new TailSetup(capacities, background, utilisation, workers, meanServiceMillis, slowProbability,
                slowFactor, slowdownFactor, slowdownFromSeconds, slowdownToSeconds, percentile, timeoutMillis,
                durationSeconds, warmupSeconds, seed);
    }

    /** Each server's spare capacity (capacity not used by other clients), the oracle's weights. */
    public double[] spare() {
        double[] s = new double[capacities.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = capacities[i] * (1 - background[i]);
        }
        return s;
    }
}
