package io.lb4j.okhttp;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nginx executable the {@link NginxBackend} tests run: {@code LB4J_NGINX} (system property or environment
 * variable) if set, else {@code nginx} on the {@code PATH}, else {@code /usr/sbin/nginx},
 * {@code /usr/local/sbin/nginx} or {@code /usr/local/nginx/sbin/nginx}. When there is none, a test calling
 * {@link #require()} is skipped, except under {@code CI=true} where it fails ({@code .ci/run} installs
 * Debian's {@code nginx}), as lb-jdbc's tests do when MariaDB is missing.
 *
 * <p>Thread-safe: the lookup runs once.
 */
final class NginxBinary {
    /** nginx learnt {@code -e <error log>} in 1.19.5; older ones log startup errors where they were built to. */
    private static final int[] ERROR_LOG_FLAG_SINCE = {1, 19, 5};

    private static volatile Found found;

    private record Found(Path path, String version, String problem) {
    }

    private NginxBinary() {
    }

    /**
     * The nginx executable; skips the calling test when there is none, or fails it under {@code CI=true}.
     */
    static Path require() {
        Found f = lookup();
        if (f.problem != null) {
            String msg = "nginx is needed for this test and " + f.problem
                    + " (install it: apt-get install nginx; or set LB4J_NGINX to the executable)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg);
        }
        return f.path;
    }

    /** The version nginx reports, e.g. {@code 1.22.1}; call after {@link #require()}. */
    static String version() {
        return lookup().version;
    }

    /** Whether this nginx takes {@code -e <file>}. */
    static boolean hasErrorLogFlag() {
        String[] parts = version().split("\\.");
        for (int i = 0; i < ERROR_LOG_FLAG_SINCE.length; i++) {
            int have = i < parts.length ? Integer.parseInt(parts[i]) : 0;
            if (have != ERROR_LOG_FLAG_SINCE[i]) {
                return have > ERROR_LOG_FLAG_SINCE[i];
            }
        }
        return true;
    }

    private static Found lookup() {
        Found f = found;
        if (f == null) {
            synchronized (NginxBinary.class) {
                f = found;
                if (f == null) {
                    f = probe();
                    found = f;
                }
            }
        }
        return f;
    }

    private static Found probe() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("LB4J_NGINX", System.getenv("LB4J_NGINX"));
        if (configured != null && !configured.isBlank()) {
            candidates.add(Paths.get(configured));
        } else {
            String path = System.getenv("PATH");
            if (path != null) {
                for (String dir : path.split(java.io.File.pathSeparator)) {
                    if (!dir.isEmpty()) {
                        candidates.add(Paths.get(dir, "nginx"));
                    }
                }
            }
            candidates.add(Paths.get("/usr/sbin/nginx"));
            candidates.add(Paths.get("/usr/local/sbin/nginx"));
            candidates.add(Paths.get("/usr/local/nginx/sbin/nginx"));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return versionOf(p);
            }
        }
        return new Found(null, null, "no executable nginx was found at " + candidates);
    }

    /** Runs {@code nginx -v}, which prints {@code nginx version: nginx/1.22.1} (on stderr). */
    private static Found versionOf(Path nginx) {
        try {
            Process p = new ProcessBuilder(nginx.toString(), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Found(nginx, null, nginx + " -v did not finish in 10 s");
            }
            Matcher m = Pattern.compile("nginx/(\\d+(?:\\.\\d+)*)").matcher(out);
            if (p.exitValue() != 0 || !m.find()) {
                return new Found(nginx, null, nginx + " -v failed (exit " + p.exitValue() + "): " + out);
            }
            return new Found(nginx, m.group(1), null);
        } catch (IOException e) {
            return new Found(nginx, null, nginx + " could not be run: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Found(nginx, null, "interrupted while running " + nginx + " -v");
        }
    }
}
