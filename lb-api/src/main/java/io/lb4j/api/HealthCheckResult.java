package io.lb4j.api;

/**
 * The verdict of one active health probe.
 *
 * @param healthy whether the server passed
 * @param detail  why (e.g. {@code "HTTP 503"}, {@code "connect refused"}); never null
 */
public record HealthCheckResult(boolean healthy, String detail) {
    private static final HealthCheckResult HEALTHY = new HealthCheckResult(true, "ok");

    /** Passed, with detail {@code "ok"}. */
    public static HealthCheckResult pass() {
        return HEALTHY;
    }

    /** Validates the components. */
    public HealthCheckResult {
        Checks.notNull("detail", detail);
    }

    /** Passed. */
    public static HealthCheckResult pass(String detail) {
        return new HealthCheckResult(true, detail);
    }

    /** Failed, saying why. */
    public static HealthCheckResult fail(String detail) {
        return new HealthCheckResult(false, detail);
    }
}
