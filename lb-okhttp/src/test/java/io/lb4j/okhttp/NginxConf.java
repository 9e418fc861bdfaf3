package io.lb4j.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * The configuration an {@link NginxBackend} runs: one master in the foreground with one worker, everything it
 * writes (pid file, error log at {@code notice}, temp directories) under the backend's directory, no access log,
 * and one server on {@code 127.0.0.1:<port>} with the locations {@link NginxBackend} describes. Stateless.
 */
final class NginxConf {
    private NginxConf() {
    }

    /**
     * @param dir       the backend's directory (absolute)
     * @param name      the backend's name, {@code [a-z0-9-]+}: the body of its answers
     * @param port      the loopback port to listen on
     * @param stallPort the port {@link NginxBackend#HANG_PATH} is proxied to, 0 for no such location
     */
    static String text(Path dir, String name, int port, int stallPort) {
        String hang = stallPort == 0 ? "" : """
                        location %s {
                            proxy_pass http://127.0.0.1:%d;
                            proxy_set_header X-Backend %s;
                            proxy_read_timeout 120s;
                        }
                """.formatted(NginxBackend.HANG_PATH, stallPort, name);
        return """
                daemon off;
                master_process on;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log notice;
                events { worker_connections 256; }
                http {
                    access_log off;
                    default_type text/plain;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location / { return 200 "%3$s\\n"; }
                        location = %4$s { return 200 "ok\\n"; }
                        location = %5$s { return 503 "%3$s unavailable\\n"; }
                %6$s    }
                }
                """.formatted(dir, port, name, NginxBackend.HEALTH_PATH, NginxBackend.FAIL_PATH, hang);
    }

    /** A loopback port free at the time of the call (nginx may still lose it to another process: retry). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
