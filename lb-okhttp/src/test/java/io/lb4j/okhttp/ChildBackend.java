package io.lb4j.okhttp;

import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * A backend in its own JVM process, so a test can kill it for real ({@code kill -9}, i.e.
 * {@link Process#destroyForcibly()}) and start it again on the same port. The child is a JDK
 * {@code HttpServer} answering {@code 200 <name>} on every path.
 */
final class ChildBackend implements AutoCloseable {
    final String name;
    private int port;
    private Process process;

    private ChildBackend(String name) {
        this.name = name;
    }

    /** Starts a backend on a free port and waits until it listens. */
    static ChildBackend start(String name) throws IOException {
        ChildBackend b = new ChildBackend(name);
        b.launch(0);
        return b;
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and wait until the process is gone (its port then refuses connections). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("backend " + name + " (pid " + process.pid() + ") did not die");
        }
    }

    /** Starts the process again on the same port. */
    void restart() throws IOException {
        launch(port);
    }

    private void launch(int wanted) throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), ChildBackend.class.getName(), name, Integer.toString(wanted));
        pb.redirectErrorStream(true);
        process = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("READY ")) {
            process.destroyForcibly();
            throw new IOException("backend " + name + " did not start: " + line);
        }
        port = Integer.parseInt(line.substring(6).trim());
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // the process died
            }
        }, "child-" + name + "-out");
        drain.setDaemon(true);
        drain.start();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    /** The child: {@code ChildBackend <name> <port|0>}. */
    public static void main(String[] args) throws IOException {
        String name = args[0];
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(args[1])), 128);
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("READY " + server.getAddress().getPort());
        System.out.flush();
    }
}
