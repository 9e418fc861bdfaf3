package io.lb4j.discovery;

import io.lb4j.api.Server;
import io.lb4j.config.NginxConfigException;
import io.lb4j.config.NginxUpstream;
import io.lb4j.config.UpstreamServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Servers from a file that operators or a config manager edit: an nginx {@code upstream} block
 * ({@link NginxUpstream}, e.g. the file an nginx include already uses) or a plain list ({@link ServerList}).
 * This is the old {@code inotify}/{@code sersync} approach done safely.
 *
 * <h2>Noticing changes</h2>
 * A JDK {@link WatchService} on the file's directory (inotify on Linux) reports writes at once; the source
 * then waits {@link Builder#settleDelay(Duration)} (default 100 ms) so that an editor's several writes make
 * one read. Watching the directory, not the file, also catches an <em>atomic rename</em> ({@code mv tmp file},
 * how vim, Ansible and Puppet replace a file), which a watch on the old inode would miss; and since any change
 * in the directory triggers a read, a file reached through a symbolic link whose target is swapped (a
 * Kubernetes ConfigMap volume replaces its {@code ..data} link) is seen at once too. Because some file systems (NFS, some container mounts) deliver no events, and macOS's JDK
 * watch service itself polls every 10 s, the file is also <em>polled</em> every
 * {@link Builder#pollInterval(Duration)} (default 5 s); a read whose content did not change delivers
 * nothing.
 *
 * <h2>Bad edits</h2>
 * The file is read whole and parsed whole: nothing is delivered from a half-valid file. A parse error is
 * logged once per bad content as {@code file:line:column: problem} (the {@link NginxConfigException}'s
 * position) and reported to subscribers as a failure, so the pool keeps its last good list; a missing or
 * unreadable file is a failure too, never an empty list. Servers marked {@code down} in an nginx block are
 * left out (a pool update carries servers, not states). Only the {@code server} lines are used: the balancing
 * directive is the pool's, chosen when it was built.
 *
 * <p>Thread-safe. Reads happen on the scheduler (its own daemon thread unless one is injected); the watch
 * runs on one daemon thread. {@link #close()} stops both.
 */
public final class FileServerSource extends AbstractServerSource {
    private static final Logger log = LoggerFactory.getLogger(FileServerSource.class);

    /** How often the file is polled besides the watch: 5 seconds. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    /** How long after a change event the file is read: 100 milliseconds. */
    public static final Duration DEFAULT_SETTLE_DELAY = Duration.ofMillis(100);

    /** The two file formats. */
    public enum Format {
        /** One nginx {@code upstream} block, see {@link NginxUpstream}. */
        NGINX_UPSTREAM,
        /** One server per line, see {@link ServerList}. */
        SERVER_LIST
    }

    private final Path file;
    private final Format format;
    private final Duration settleDelay;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final WatchService watcher;
    private final Thread watchThread;

    // touched only on the scheduler
    private String lastContent;
    private String lastProblem;
    // guarded by this
    private boolean reloadQueued;

    private FileServerSource(Builder b) {
        super("file:" + b.file);
        this.file = b.file.toAbsolutePath();
        this.format = b.format;
        this.settleDelay = b.settleDelay;
        String content = read();
        publish(parse(content));
        this.lastContent = content;
        if (b.scheduler == null) {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lb4j-file-" + file.getFileName()));
            this.ownsScheduler = true;
        } else {
            this.scheduler = b.scheduler;
            this.ownsScheduler = false;
        }
        long poll = b.pollInterval.toNanos();
        scheduler.scheduleWithFixedDelay(() -> reload(false), poll, poll, TimeUnit.NANOSECONDS);
        this.watcher = b.watch ? newWatcher() : null;
        if (watcher != null) {
            this.watchThread = daemon(this::watchLoop, "lb4j-watch-" + file.getFileName());
            watchThread.start();
        } else {
            this.watchThread = null;
        }
    }

    /** A source reading an nginx {@code upstream} block from {@code file}. */
    public static Builder nginx(Path file) {
        return new Builder(file, Format.NGINX_UPSTREAM);
    }

    /** A source reading a one-server-per-line list from {@code file}. */
    public static Builder serverList(Path file) {
        return new Builder(file, Format.SERVER_LIST);
    }

    /** Whether a watch service delivers change events (false: polling only). */
    public boolean watching() {
        return watcher != null;
    }

    /** Reads the file again now (on the scheduler) and delivers it even if unchanged. */
    @Override
    public void refresh() {
        if (!isClosed()) {
            try {
                scheduler.execute(() -> reload(true));
            } catch (RejectedExecutionException closedMeanwhile) {
                log.debug("{}: refresh after close ignored", name());
            }
        }
    }

    private WatchService newWatcher() {
        try {
            WatchService ws = file.getFileSystem().newWatchService();
            file.getParent().register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return ws;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("{}: no watch service ({}); polling every interval only", name(), e.toString());
            return null;
        }
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                // any change in the directory triggers a read: the file may be a symbolic link whose target
                // changed (a Kubernetes ConfigMap swaps its ..data link); unchanged content delivers nothing
                if (!key.pollEvents().isEmpty()) {
                    queueReload();
                }
                if (!key.reset()) {
                    log.warn("{}: the directory is no longer watched; polling only", name());
                    return;
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed
        }
    }

    private void queueReload() {
        synchronized (this) {
            if (reloadQueued || isClosed()) {
                return;
            }
            reloadQueued = true;
        }
        try {
            scheduler.schedule(() -> {
                synchronized (this) {
                    reloadQueued = false;
                }
                reload(false);
            }, settleDelay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException rejectedAfterClose) {
            log.debug("{}: reload not scheduled: {}", name(), rejectedAfterClose.toString());
        }
    }

    private void reload(boolean force) {
        if (isClosed()) {
            return;
        }
        String content;
        try {
            content = read();
        } catch (RuntimeException e) {
            report(e.getMessage(), e);
            lastContent = null;
            return;
        }
        if (!force && content.equals(lastContent)) {
            return;
        }
        lastContent = content;
        List<Server> servers;
        try {
            servers = parse(content);
        } catch (IllegalArgumentException e) {
            report(position(e) + e.getMessage(), e);
            return;
        }
        if (lastProblem != null) {
            log.info("{}: valid again, {} servers", name(), servers.size());
            lastProblem = null;
        }
        publish(servers);
    }

    private void report(String problem, RuntimeException e) {
        if (!problem.equals(lastProblem)) {
            log.warn("{}: keeping the last good list: {}", name(), problem);
            lastProblem = problem;
        }
        publishFailure(e);
    }

    /** {@code file:line:column: } as compilers print it, so editors and terminals link to the spot. */
    private String position(IllegalArgumentException e) {
        if (e instanceof NginxConfigException) {
            NginxConfigException n = (NginxConfigException) e;
            return file + ":" + n.line() + ":" + n.column() + ": ";
        }
        return file + ": ";
    }

    private String read() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read server file " + file + ": " + e, e);
        }
    }

    private List<Server> parse(String content) {
        if (format == Format.SERVER_LIST) {
            return ServerList.parse(content);
        }
        List<Server> servers = new ArrayList<>();
        for (UpstreamServer u : NginxUpstream.parse(content).servers()) {
            if (!u.down()) {
                servers.add(u.server());
            }
        }
        return servers;
    }

    @Override
    protected void doClose() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.debug("{}: closing the watch service: {}", name(), e.toString());
            }
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Builds a {@link FileServerSource}. Not thread-safe. */
    public static final class Builder {
        private final Path file;
        private final Format format;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration settleDelay = DEFAULT_SETTLE_DELAY;
        private boolean watch = true;
        private ScheduledExecutorService scheduler;

        private Builder(Path file, Format format) {
            if (file == null) {
                throw new IllegalArgumentException("file must not be null");
            }
            if (file.toAbsolutePath().getParent() == null) {
                throw new IllegalArgumentException("file must be a file in a directory, was " + file);
            }
            this.file = file;
            this.format = format;
        }

        /** 10 ms to 1 hour; default {@link #DEFAULT_POLL_INTERVAL}. */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = range("pollInterval", interval, Duration.ofMillis(10), Duration.ofHours(1));
            return this;
        }

        /** 0 to 10 seconds; default {@link #DEFAULT_SETTLE_DELAY}. */
        public Builder settleDelay(Duration delay) {
            this.settleDelay = range("settleDelay", delay, Duration.ZERO, Duration.ofSeconds(10));
            return this;
        }

        /** Whether to use a {@link WatchService} besides polling; default true. */
        public Builder watch(boolean watch) {
            this.watch = watch;
            return this;
        }

        /** Runs reads and polls; the caller keeps ownership. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            if (scheduler == null) {
                throw new IllegalArgumentException("scheduler must not be null");
            }
            this.scheduler = scheduler;
            return this;
        }

        /**
         * Reads and parses the file once, then starts watching.
         *
         * @throws UncheckedIOException when the file cannot be read
         * @throws IllegalArgumentException ({@link NginxConfigException} for nginx) when it is malformed
         */
        public FileServerSource build() {
            return new FileServerSource(this);
        }

        private static Duration range(String field, Duration d, Duration min, Duration max) {
            if (d == null) {
                throw new IllegalArgumentException(field + " must not be null");
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + d);
            }
            return d;
        }
    }
}
