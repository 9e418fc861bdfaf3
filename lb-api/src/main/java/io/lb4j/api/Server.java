package io.lb4j.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One backend: its identity and static configuration. Live state (in-flight requests, latency,
 * health) lives in the pool's {@link Endpoint} for this server.
 *
 * <p>Two servers are equal when their {@linkplain #id() ids} are equal: the id is what a pool uses to
 * find, re-weight, drain or remove a server, and it must be unique within a pool. It defaults to
 * {@code host:port}.
 *
 * <p>The host is a DNS name, an IPv4 literal or an IPv6 literal without brackets, exactly as
 * {@link HostNames} defines them; nothing else (no URL, no user-info, no path) is accepted.
 *
 * <p>Weight follows LVS and nginx: a server receives traffic in proportion to its weight, and a
 * weight of {@code 0} <em>quiesces</em> it (never picked, in-flight requests finish), as
 * {@code ipvsadm -w 0} does.
 *
 * <p>The optional per-server health settings ({@link #maxFails()}, {@link #failTimeout()},
 * {@link #slowStart()}) override the pool's defaults for this server, as nginx's
 * {@code server ... max_fails=3 fail_timeout=30s slow_start=10s} does.
 *
 * <p>Immutable and thread-safe.
 */
public final class Server {
    /** Weight of a server built without one, as in nginx. */
    public static final int DEFAULT_WEIGHT = 1;
    /** Largest weight accepted; keeps LVS cross-multiplications ({@code inFlight * weight}) exact. */
    public static final int MAX_WEIGHT = 1_000_000;
    /** Largest {@code max_fails} accepted. */
    public static final int MAX_MAX_FAILS = 1_000_000;

    private final String id;
    private final String host;
    private final int port;
    private final int weight;
    private final boolean backup;
    private final String zone;
    private final Map<String, String> metadata;
    private final int maxFails;
    private final Duration failTimeout;
    private final Duration slowStart;

    private Server(Builder b) {
        this.host = checkHost(b.host);
        this.port = Checks.inRange("port", b.port, 1, 65535);
        this.id = b.id == null ? hostPort(host, port) : Checks.notBlank("id", b.id);
        this.weight = Checks.inRange("weight", b.weight, 0, MAX_WEIGHT);
        this.backup = b.backup;
        if (b.zone != null) {
            Checks.notBlank("zone", b.zone);
        }
        this.zone = b.zone;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
        this.maxFails = b.maxFails;
        this.failTimeout = b.failTimeout;
        this.slowStart = b.slowStart;
    }

    private static String checkHost(String host) {
        if (host == null) {
            throw new IllegalArgumentException("host must not be null; expected " + HostNames.ALLOWED);
        }
        if (!HostNames.isValid(host)) {
            throw new IllegalArgumentException("host must be " + HostNames.ALLOWED + ", was " + HostNames.preview(host));
        }
        return host;
    }

    /** A server of weight 1 whose id is {@code host:port}. */
    public static Server of(String host, int port) {
        return builder(host, port).build();
    }

    /**
     * @param host a DNS name, an IPv4 literal or an IPv6 literal without brackets, as {@link HostNames}
     *             describes; checked by {@link Builder#build()}
     * @param port 1 to 65535
     */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** A builder holding this server's settings, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(host, port).id(id).weight(weight).backup(backup);
        b.zone = zone;
        b.metadata.putAll(metadata);
        b.maxFails = maxFails;
        b.failTimeout = failTimeout;
        b.slowStart = slowStart;
        return b;
    }

    /** A copy of this server with another weight (0 to {@link #MAX_WEIGHT}). */
    public Server withWeight(int newWeight) {
        return toBuilder().weight(newWeight).build();
    }

    /** The server's id, unique in a pool (default {@code host:port}). */
    public String id() {
        return id;
    }

    /** The host name or IP literal (without brackets). */
    public String host() {
        return host;
    }

    /** The port, 1 to 65535. */
    public int port() {
        return port;
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String address() {
        return hostPort(host, port);
    }

    /** The configured weight, 0 (quiesced) to {@link #MAX_WEIGHT}. */
    public int weight() {
        return weight;
    }

    /** Whether this is a backup server (nginx {@code backup}): picked only when no primary is available. */
    public boolean backup() {
        return backup;
    }

    /** The server's zone (for locality-aware pools), if any. */
    public Optional<String> zone() {
        return Optional.ofNullable(zone);
    }

    /** Free-form labels, unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** This server's nginx {@code max_fails}, overriding the pool's default; 0 disables passive ejection. */
    public OptionalInt maxFails() {
        return maxFails < 0 ? OptionalInt.empty() : OptionalInt.of(maxFails);
    }

    /** This server's nginx {@code fail_timeout}, overriding the pool's default. */
    public Optional<Duration> failTimeout() {
        return Optional.ofNullable(failTimeout);
    }

    /** This server's slow-start window, overriding the pool's default; zero disables slow start. */
    public Optional<Duration> slowStart() {
        return Optional.ofNullable(slowStart);
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Server && ((Server) o).id.equals(id));
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Server[").append(id);
        if (!id.equals(address())) {
            sb.append(' ').append(address());
        }
        sb.append(" weight=").append(weight);
        if (backup) {
            sb.append(" backup");
        }
        if (zone != null) {
            sb.append(" zone=").append(zone);
        }
        return sb.append(']').toString();
    }

    /** Builds a {@link Server}; every setter validates when {@link #build()} is called. Not thread-safe. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String id;
        private int weight = DEFAULT_WEIGHT;
        private boolean backup;
        private String zone;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private int maxFails = -1;
        private Duration failTimeout;
        private Duration slowStart;

        private Builder(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /** Unique id within a pool; defaults to {@code host:port}. */
        public Builder id(String id) {
            this.id = Checks.notBlank("id", id);
            return this;
        }

        /** 0 (quiesced) to {@link #MAX_WEIGHT}; default {@link #DEFAULT_WEIGHT}. */
        public Builder weight(int weight) {
            this.weight = Checks.inRange("weight", weight, 0, MAX_WEIGHT);
            return this;
        }

        /** Whether this is a backup server (nginx {@code backup}); default false. */
        public Builder backup(boolean backup) {
            this.backup = backup;
            return this;
        }

        /** The server's zone, for locality-aware pools; default none. */
        public Builder zone(String zone) {
            this.zone = Checks.notBlank("zone", zone);
            return this;
        }

        /** One metadata entry (free-form labels, e.g. a version). */
        public Builder metadata(String key, String value) {
            metadata.put(Checks.notBlank("metadata key", key), Checks.notNull("metadata value for " + key, value));
            return this;
        }

        /** 0 (never eject) to {@link #MAX_MAX_FAILS}. */
        public Builder maxFails(int maxFails) {
            this.maxFails = Checks.inRange("maxFails", maxFails, 0, MAX_MAX_FAILS);
            return this;
        }

        /** 1 ms to 1 day. */
        public Builder failTimeout(Duration failTimeout) {
            Checks.positive("failTimeout", failTimeout);
            if (failTimeout.compareTo(Duration.ofMillis(1)) < 0 || failTimeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("failTimeout must be in [1ms, 1d], was " + failTimeout);
            }
            this.failTimeout = failTimeout;
            return this;
        }

        /** 0 (slow start off for this server) to 1 hour. */
        public Builder slowStart(Duration slowStart) {
            Checks.notNull("slowStart", slowStart);
            if (slowStart.isNegative() || slowStart.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("slowStart must be in [0, 1h], was " + slowStart);
            }
            this.slowStart = slowStart;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first invalid field; for a host that is not a DNS name
         *                                  or an IP literal the message shows at most a short escaped prefix of it
         */
        public Server build() {
            return new Server(this);
        }
    }
}
