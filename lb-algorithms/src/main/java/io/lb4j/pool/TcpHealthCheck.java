package io.lb4j.pool;

import io.lb4j.api.HealthCheck;
import io.lb4j.api.HealthCheckResult;
import io.lb4j.api.Server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * The simplest active probe, HAProxy's default {@code check}: a server is healthy when a TCP
 * connection to its address opens within the timeout. The connection is closed at once.
 *
 * <p>Stateless and thread-safe.
 */
public final class TcpHealthCheck implements HealthCheck {

    @Override
    public HealthCheckResult check(Server server, Duration timeout) {
        Checks.notNull("server", server);
        Checks.positive("timeout", timeout);
        int millis = timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0 ? Integer.MAX_VALUE
                : (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.host(), server.port()), millis);
            return HealthCheckResult.pass("tcp connect ok");
        } catch (IOException e) {
            return HealthCheckResult.fail("tcp connect to " + server.address() + " failed: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "TcpHealthCheck";
    }
}
