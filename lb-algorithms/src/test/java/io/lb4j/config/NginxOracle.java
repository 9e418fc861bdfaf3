package io.lb4j.config;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real nginx as the oracle of its own grammar: {@link #verdict} writes a configuration wrapping one candidate
 * {@code upstream} block ({@code events {} http { <block> server { listen 127.0.0.1:<port>; location / {
 * proxy_pass http://<name>; } } }}, pid, error log and temp paths inside a temp directory) and runs
 * {@code nginx -t -q -p <dir> -e <dir>/error.log -c <conf>} on it: exit status 0 is accepted, anything else
 * rejected, with nginx's {@code [emerg]} message. nginx's {@code [warn]} lines are kept too.
 *
 * <p>nginx resolves host names in {@code server} directives while it reads the configuration, so candidates
 * use IP literals, {@code localhost} and {@code unix:} paths (or names that cannot resolve).
 *
 * <p>The binary is {@code -Dlb4j.nginx=PATH}, else {@code LB4J_NGINX}, else {@code /usr/sbin/nginx}, else
 * {@code nginx} on the {@code PATH}. When there is none, {@link #require()} skips the calling test, except
 * under {@code CI=true} where it fails (as lb-jdbc's {@code Cluster}). One instance per test class; not
 * thread-safe; {@link #close()} deletes the directory.
 */
final class NginxOracle implements AutoCloseable {
    /** nginx's judgement of one configuration. */
    record Verdict(boolean accepted, String message, List<String> warnings) {
        @Override
        public String toString() {
            return (accepted ? "accepted" : "rejected: " + message) + (warnings.isEmpty() ? "" : " " + warnings);
        }
    }

    private static final long TIMEOUT_SECONDS = 20;

    private final String nginx;
    private final Path dir;
    private final Path conf;
    private final int port;
    private int runs;
    private long slowestNanos;
    private String slowest = "";

    private NginxOracle(String nginx) {
        this.nginx = nginx;
        try {
            this.dir = Files.createTempDirectory("lb4j-nginx-oracle");
            this.conf = dir.resolve("nginx.conf");
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                this.port = s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An oracle, or the calling test skipped (failed under {@code CI=true}) when nginx is not installed. */
    static NginxOracle require() {
        String found = find();
        if (found == null) {
            String msg = "nginx not found (set -Dlb4j.nginx=PATH or LB4J_NGINX, or install Debian's nginx package;"
                    + " .ci/run does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg);
        }
        return new NginxOracle(found);
    }

    private static String find() {
        String configured = System.getProperty("lb4j.nginx", System.getenv("LB4J_NGINX"));
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? configured : null;
        }
        if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            return "/usr/sbin/nginx";
        }
        String path = System.getenv("PATH");
        for (String d : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nginx"))) {
                return Path.of(d, "nginx").toString();
            }
        }
        return null;
    }

    /** How many times nginx ran. */
    int runs() {
        return runs;
    }

    /** The longest run, for the test's report. */
    String slowest() {
        return slowestNanos / 1_000_000 + " ms (" + NginxLexer.quote(slowest) + ")";
    }

    /**
     * nginx's verdict on {@code block} inside the wrapper; {@code name} is the upstream the location proxies
     * to, or null for a location that only returns 204 (for names a URL cannot hold).
     */
    Verdict verdict(String block, String name) {
        String location = name == null ? "return 204;" : "proxy_pass http://" + name + ";";
        String d = dir.toString();
        String text = "pid " + d + "/nginx.pid;\n"
                + "events {}\n"
                + "http {\n"
                + "client_body_temp_path " + d + "/body; proxy_temp_path " + d + "/proxy; fastcgi_temp_path " + d
                + "/fastcgi; uwsgi_temp_path " + d + "/uwsgi; scgi_temp_path " + d + "/scgi;\n"
                + "access_log off;\n"
                + block
                + "\nserver { listen 127.0.0.1:" + port + "; location / { " + location + " } }\n"
                + "}\n";
        try {
            long start = System.nanoTime();
            Files.writeString(conf, text, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(nginx, "-t", "-q", "-p", d + "/", "-e", d + "/error.log", "-c", conf.toString())
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("nginx -t did not finish in " + TIMEOUT_SECONDS + " s on " + text);
            }
            runs++;
            long took = System.nanoTime() - start;
            if (took > slowestNanos) {
                slowestNanos = took;
                slowest = block;
            }
            String emerg = null;
            List<String> warnings = new ArrayList<>();
            for (String line : out.split("\n")) {
                String l = line.replace(conf.toString(), "nginx.conf");
                if (l.contains("[emerg]") && emerg == null) {
                    emerg = l.substring(l.indexOf("[emerg]") + 8);
                } else if (l.contains("[warn]")) {
                    warnings.add(l.substring(l.indexOf("[warn]") + 7));
                }
            }
            if (out.contains("bind()") || out.contains("Permission denied")) {
                throw new AssertionError("nginx -t failed for a reason outside the candidate: " + out);
            }
            boolean accepted = p.exitValue() == 0;
            if (!accepted && emerg == null) {
                emerg = out.strip();
            }
            return new Verdict(accepted, accepted ? "" : emerg, List.copyOf(warnings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
