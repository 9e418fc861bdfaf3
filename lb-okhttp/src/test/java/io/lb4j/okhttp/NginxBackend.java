package io.lb4j.okhttp;

import io.lb4j.api.Server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx on loopback standing for one backend, started from a configuration written into a test's
 * temporary directory ({@code daemon off; master_process on; worker_processes 1}), so that a test can
 * {@code kill -9} it and start it again on the same port. It answers:
 * <ul>
 *   <li>{@code /...}: {@code 200 <name>\n}, whatever the method (nginx's {@code return} discards a body);</li>
 *   <li>{@value #HEALTH_PATH}: {@code 200 ok\n};</li>
 *   <li>{@value #FAIL_PATH}: {@code 503 <name> unavailable\n};</li>
 *   <li>{@value #HANG_PATH} (only when built with a stall port): proxied, with header
 *       {@code X-Backend: <name>}, to a server in the test that never answers, so a request can be held
 *       in flight at the backend while the test kills it.</li>
 * </ul>
 * The launched process is the master (with {@code daemon off} it does not fork away); its one worker is its
 * child. Signals: {@link Process#destroyForcibly()} and {@link ProcessHandle#destroyForcibly()} send
 * {@code SIGKILL} on Linux ({@code kill(pid, SIGKILL)}; {@code NginxBackendTest} checks the master's exit
 * status 137 = 128 + 9 and the master's own log of a worker "exited on signal 9").
 *
 * <p>A killed worker whose master is gone is re-parented to PID 1, which in a container may never reap
 * it: a zombie counts as dead here ({@code /proc/<pid>/stat} state {@code Z}), since it holds no socket.
 * Every process started is killed by {@link #close()}, and by a JVM shutdown hook if a test run dies.
 *
 * <p>Not thread-safe: one test thread drives it (the traffic threads only send requests to its port).
 */
final class NginxBackend implements AutoCloseable {
    static final String HEALTH_PATH = "/health";
    static final String FAIL_PATH = "/fail";
    static final String HANG_PATH = "/hang";
    /** Bound on waiting for nginx to answer after a start, or for a killed process to be gone. */
    static final long WAIT_MILLIS = 15_000;

    private static final Set<NginxBackend> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(NginxBackend::killEverything),
                "nginx-backends-cleanup"));
    }

    final String name;
    private final Path nginx;
    private final Path dir;
    private final Path conf;
    private final Path errorLog;
    private final Path output;
    private final Path pidFile;
    private final int stallPort;
    private int port;
    private Process master;
    /** Every worker PID ever seen, so that orphans (after {@link #kill9MasterOnly()}) are killed too. */
    private final Set<Long> workersSeen = new LinkedHashSet<>();

    private NginxBackend(Path nginx, Path parent, String name, int stallPort) throws IOException {
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("backend name must match [a-z0-9-]+, was '" + name + "'");
        }
        this.nginx = nginx;
        this.name = name;
        this.stallPort = stallPort;
        this.dir = Files.createDirectories(parent.resolve("nginx-" + name)).toAbsolutePath();
        this.conf = dir.resolve("nginx.conf");
        this.errorLog = dir.resolve("error.log");
        this.output = dir.resolve("nginx.out");
        this.pidFile = dir.resolve("nginx.pid");
    }

    /** Starts an nginx named {@code name} on a free loopback port under {@code parent}, and waits until it answers. */
    static NginxBackend start(Path parent, String name) throws IOException {
        return start(parent, name, 0);
    }

    /**
     * As {@link #start(Path, String)}, with {@value #HANG_PATH} proxied to {@code 127.0.0.1:stallPort}
     * (0: no such location).
     */
    static NginxBackend start(Path parent, String name, int stallPort) throws IOException {
        NginxBackend b = new NginxBackend(NginxBinary.require(), parent, name, stallPort);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before nginx binds it
            b.port = NginxConf.freePort();
            b.writeConfig();
            try {
                b.launch();
                return b;
            } catch (IOException e) {
                last = e;
                b.killEverything();
            }
        }
        throw last;
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** The pool member for this backend (id {@code 127.0.0.1:<port>}, as an nginx upstream names it). */
    Server server() {
        return Server.of("127.0.0.1", port);
    }

    /** The master's PID, as nginx wrote it to its pid file (checked against the launched process). */
    long masterPid() throws IOException {
        long fromFile = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        if (master == null || fromFile != master.pid()) {
            throw new IllegalStateException("nginx " + name + " pid file says " + fromFile + ", launched "
                    + (master == null ? "nothing" : master.pid()));
        }
        return fromFile;
    }

    /** The master's live worker PIDs (its children). */
    List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        if (master != null) {
            master.toHandle().children().forEach(h -> pids.add(h.pid()));
        }
        workersSeen.addAll(pids);
        return pids;
    }

    /** Whether the master is running. */
    boolean masterAlive() {
        return master != null && master.isAlive();
    }

    /** The master's exit status once it is gone (137 after SIGKILL). */
    int masterExitValue() {
        return master.exitValue();
    }

    /** nginx's error log so far ({@code notice} level), for assertions and failure messages. */
    String errorLog() {
        try {
            return Files.exists(errorLog) ? Files.readString(errorLog, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(error log unreadable: " + e + ")";
        }
    }

    /** {@code kill -9} of the master and its workers; returns when they are gone and the port refuses connections. */
    void kill9() throws IOException {
        kill9All(List.of(this));
    }

    /**
     * {@code kill -9} of several backends at once: every master and worker is signalled before any is waited
     * for; returns when all are gone and their ports refuse connections.
     */
    static void kill9All(List<NginxBackend> backends) throws IOException {
        List<Long> workers = new ArrayList<>();
        for (NginxBackend b : backends) {
            workers.addAll(b.workerPids()); // before the master dies: then they are no longer its children
        }
        for (NginxBackend b : backends) {
            b.master.destroyForcibly(); // the master first, so that it cannot fork a replacement worker
        }
        for (long w : workers) {
            ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (NginxBackend b : backends) {
            b.awaitMasterGone();
        }
        for (long w : workers) {
            awaitGone(w);
        }
        for (NginxBackend b : backends) {
            b.awaitRefusing();
        }
    }

    /**
     * {@code kill -9} of the master only. Its worker is not told (nginx sets no parent-death signal): it keeps
     * its listening socket and goes on serving, re-parented. Returns the orphaned worker PIDs, which
     * {@link #close()} kills.
     */
    List<Long> kill9MasterOnly() throws IOException {
        List<Long> workers = workerPids();
        master.destroyForcibly();
        awaitMasterGone();
        return workers;
    }

    /**
     * {@code kill -9} of the worker(s) only; the master sees the signal and forks new workers. Returns the
     * killed PIDs once they are gone.
     */
    List<Long> kill9Workers() throws IOException {
        List<Long> workers = workerPids();
        for (long w : workers) {
            ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long w : workers) {
            awaitGone(w);
        }
        return workers;
    }

    /** Whether this PID is a live process (a zombie is not). */
    static boolean alive(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /**
     * Starts nginx again on the same port with the same configuration and waits until it answers. Fails (with
     * nginx's error log) if the port is still held, e.g. by a worker orphaned by {@link #kill9MasterOnly()}.
     */
    void restart() throws IOException {
        if (masterAlive()) {
            throw new IllegalStateException("nginx " + name + " is still running (pid " + master.pid() + ")");
        }
        launch();
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(nginx.toString(), "-p", dir + "/", "-c", conf.toString()));
        if (NginxBinary.hasErrorLogFlag()) {
            cmd.addAll(List.of("-e", errorLog.toString())); // errors before the configuration is read
        }
        Files.deleteIfExists(pidFile);
        master = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        LIVE.add(this);
        awaitAnswering();
        workerPids();
    }

    /** Polls {@value #HEALTH_PATH} until a worker answers 200 (bounded); fails with nginx's log if it exited. */
    private void awaitAnswering() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IOException("nginx " + name + " exited with " + master.exitValue() + " on port " + port
                        + ": " + diagnostics());
            }
            if (answersHealth() && Files.exists(pidFile) && !workerPids().isEmpty()) {
                return;
            }
            pause();
        }
        throw new IOException("nginx " + name + " did not answer on port " + port + " within " + WAIT_MILLIS + " ms: "
                + diagnostics());
    }

    private boolean answersHealth() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + HEALTH_PATH + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return reply.startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    private boolean refusing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void awaitMasterGone() throws IOException {
        try {
            if (!master.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IOException("nginx " + name + " master " + master.pid() + " still alive after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for nginx " + name + " to die", e);
        }
    }

    private static void awaitGone(long pid) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (alive(pid)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("nginx worker " + pid + " still alive after SIGKILL");
            }
            pause();
        }
    }

    private void awaitRefusing() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!refusing()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("port " + port + " of killed nginx " + name + " still accepts connections");
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20); // a bounded poll of a real process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String diagnostics() {
        String out;
        try {
            out = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            out = "(unreadable: " + e + ")";
        }
        return "error log: [" + errorLog().trim() + "] output: [" + out.trim() + "]";
    }

    private void writeConfig() throws IOException {
        Files.writeString(conf, NginxConf.text(dir, name, port, stallPort), StandardCharsets.UTF_8);
    }

    /** SIGKILL to the master and every worker ever seen; waits (bounded) for them to be gone. */
    private void killEverything() {
        List<Long> pids = new ArrayList<>(workersSeen);
        if (master != null) {
            master.toHandle().children().forEach(h -> pids.add(h.pid()));
            master.destroyForcibly();
        }
        for (long w : pids) {
            ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        for (long pid : pids) {
            while (alive(pid) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (master != null) {
            try {
                master.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(this);
    }

    /** Kills whatever of this backend still runs, orphaned workers included. */
    @Override
    public void close() throws IOException {
        killEverything();
        List<Long> left = new ArrayList<>();
        for (long pid : workersSeen) {
            if (alive(pid)) {
                left.add(pid);
            }
        }
        if (master != null && master.isAlive()) {
            left.add(master.pid());
        }
        if (!left.isEmpty()) {
            throw new IOException("nginx " + name + " processes " + left + " survived SIGKILL");
        }
    }

    @Override
    public String toString() {
        return "nginx " + name + " at " + address();
    }
}
