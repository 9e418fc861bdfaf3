package io.lb4j.benchmarks.sim;

import java.util.Locale;

/**
 * What goes wrong with the servers during one simulated run. Server 0 is always the troubled one
 * (the last server for {@link #COLD_JOIN}); times are fractions of the run.
 */
public enum Scenario {
    /** Every server healthy, same service-time distribution. */
    HEALTHY("all healthy"),
    /** Server 0 takes 10 times longer to serve each request, for the whole run. */
    ONE_SLOW("one 10x slower"),
    /** Server 0 answers half of its requests with an immediate error (1 ms, no queueing). */
    FAIL_FAST("one fails 50% fast"),
    /**
     * Server 0 dies at 30% of the run (requests queued on it fail, new ones are refused after 1 ms)
     * and recovers at 60%.
     */
    DIES_AND_RECOVERS("one dies, recovers"),
    /**
     * The last server is not in the pool at the start; it joins at 30% of the run, cold: its service
     * time starts 5 times the mean and falls linearly to the mean over 20 s. It joins with a 20 s slow
     * start ({@code Server.slowStart}).
     */
    COLD_JOIN("one joins cold"),
    /**
     * Server 0 answers every request with an immediate error (1 ms), and the pool runs with passive health
     * off: only the failure penalty (a failure is charged as a slow call, and as load) keeps latency- and
     * load-aware strategies from flooding it.
     */
    FAILS_FAST_UNGUARDED("one fails fast, no passive health");

    private final String label;

    Scenario(String label) {
        this.label = label;
    }

    /** A short human-readable label, e.g. {@code "one 10x slower"}. */
    public String label() {
        return label;
    }

    /** The command-line name, e.g. {@code one-slow}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param name a {@link #cliName()} or enum name, any case
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Scenario parse(String name) {
        for (Scenario s : values()) {
            if (s.cliName().equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (Scenario s : values()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(s.cliName());
        }
        throw new IllegalArgumentException("scenario must be one of " + allowed + ", was '" + name + "'");
    }
}
