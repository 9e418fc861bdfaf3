package io.lb4j.api;

import java.time.Duration;

/**
 * An active health probe of one server (HAProxy {@code check}, keepalived): TCP connect ships in
 * {@code lb-algorithms}, HTTP in {@code lb-okhttp}, JDBC in {@code lb-jdbc}.
 *
 * <p>The pool runs probes on its own scheduler, never on a caller's thread, and stops waiting for a
 * probe after its timeout (interrupting it); a probe that throws or times out counts as unhealthy.
 * Probes should nevertheless honour {@code timeout} themselves (socket and read timeouts).
 *
 * <p>Implementations must be thread-safe: probes of different servers run concurrently.
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * Probes one server.
     *
     * @param server  the server to probe
     * @param timeout how long the probe may take in all
     * @return the verdict, never null
     * @throws Exception any failure, counted as unhealthy with the exception's message
     */
    HealthCheckResult check(Server server, Duration timeout) throws Exception;
}
