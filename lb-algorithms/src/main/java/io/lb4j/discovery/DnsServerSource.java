package io.lb4j.discovery;

import io.lb4j.api.Server;
import io.lb4j.api.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.naming.Context;
import javax.naming.NamingException;
import java.security.Security;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Servers from DNS: the A and AAAA records of a name (every address on one port), or the SRV records of a
 * service name (RFC 2782: ports, weights and priorities from DNS), re-resolved on a schedule.
 *
 * <h2>Queries</h2>
 * Queries go through the JDK's JNDI DNS provider ({@code com.sun.jndi.dns}, module {@code jdk.naming.dns}: no
 * dependency) to the servers of {@code /etc/resolv.conf}, or to the ones given by
 * {@link Builder#dnsServers(List)}. A and AAAA are asked separately (never {@code ANY}, which many servers
 * refuse, RFC 8482). SRV targets are resolved to addresses the same way. Servers are IP addresses with ids
 * {@code ip:port}, so a client connecting to them never resolves again.
 * <ul>
 *   <li>SRV weight becomes the server's weight; SRV weight 0 ("no preference" in RFC 2782) becomes 1, since
 *       lb4j's 0 means "never pick".</li>
 *   <li>SRV priority: the records of the lowest priority are primaries, all others are
 *       {@linkplain Server#backup() backups} (lb4j has two tiers, as nginx). A target of {@code .} ("service
 *       not available here") is left out.</li>
 *   <li>A name that does not exist (NXDOMAIN), a timeout or a server failure is a failure (the pool keeps its
 *       last good list); a name with no records of the asked types is an empty list.</li>
 * </ul>
 *
 * <h2>Schedule and the JVM's DNS cache</h2>
 * The name is resolved every {@link Builder#refreshInterval(Duration)}. The JNDI provider keeps no cache,
 * so a change in DNS is seen within one interval. The JVM's own cache (security property
 * {@code networkaddress.cache.ttl}: 30 s by default, forever under a security manager;
 * {@code networkaddress.cache.negative.ttl}: 10 s) applies to {@link java.net.InetAddress} look-ups, not to
 * this source, and not to the servers it delivers, which are addresses; it still delays any client that is
 * given a host name. The JNDI provider does not expose record TTLs, so the default interval is the JVM's
 * positive cache TTL when that property is set to a positive number, else 30 s: the staleness Java users
 * already accept. After a failure the source retries after {@link Builder#minRefresh(Duration)}, doubling
 * up to {@link Builder#maxRefresh(Duration)}; {@link #refresh()} (the binder asks for one to confirm a large
 * removal) resolves at once, but never sooner than {@code minRefresh} after the previous query. A resolution
 * that finds the same list delivers nothing, except for a requested refresh.
 *
 * <p>Thread-safe. Queries run on the scheduler (its own daemon thread unless one is injected), one at a time.
 */
public final class DnsServerSource extends AbstractServerSource {
    private static final Logger log = LoggerFactory.getLogger(DnsServerSource.class);

    /** Refresh interval when the JVM's {@code networkaddress.cache.ttl} is not a positive number: 30 seconds. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** Shortest time between two queries: 1 second. */
    public static final Duration DEFAULT_MIN_REFRESH = Duration.ofSeconds(1);
    /** Longest retry delay after failures: 5 minutes. */
    public static final Duration DEFAULT_MAX_REFRESH = Duration.ofMinutes(5);
    /** Time the JNDI provider waits for the first answer (it doubles on each retry): 1 second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Queries per DNS server before giving up: 2. The JNDI property behind it,
     * {@code com.sun.jndi.dns.timeout.retries}, counts attempts despite its name (0 would never ask).
     */
    public static final int DEFAULT_ATTEMPTS = 2;

    private final DnsQuery query;
    private final Duration refreshInterval;
    private final Duration minRefresh;
    private final Duration maxRefresh;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Ticker ticker;

    // guarded by this
    private ScheduledFuture<?> next;
    private long nextDue;
    private boolean forced;
    private long lastQuery;
    private boolean queried;
    private int failures;

    private DnsServerSource(Builder b) {
        super((b.srv ? "dns-srv:" : "dns:") + b.name + (b.srv ? "" : ":" + b.port));
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, b.dnsServers.isEmpty() ? "dns:" : String.join(" ", b.dnsServers));
        env.put("com.sun.jndi.dns.timeout.initial", Long.toString(b.timeout.toMillis()));
        env.put("com.sun.jndi.dns.timeout.retries", Integer.toString(b.attempts));
        this.query = new DnsQuery(env, b.name, b.srv, b.port);
        this.refreshInterval = b.refreshInterval;
        this.minRefresh = b.minRefresh;
        this.maxRefresh = b.maxRefresh;
        this.ticker = b.ticker;
        if (b.scheduler == null) {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lb4j-" + name());
                t.setDaemon(true);
                return t;
            });
            this.ownsScheduler = true;
        } else {
            this.scheduler = b.scheduler;
            this.ownsScheduler = false;
        }
        scheduleIn(0);
    }

    /**
     * A source of the A and AAAA records of {@code host}, every address a server on {@code port}.
     *
     * @param host a DNS name, e.g. {@code api.internal.example.com}
     * @param port 1 to 65535
     */
    public static Builder addresses(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in [1, 65535], was " + port);
        }
        return new Builder(host, false, port);
    }

    /**
     * A source of the SRV records of {@code service}.
     *
     * @param service an SRV name, e.g. {@code _http._tcp.api.example.com}
     */
    public static Builder srv(String service) {
        return new Builder(service, true, 0);
    }

    /** Resolves now, or {@code minRefresh} after the previous query, and delivers even an unchanged list. */
    @Override
    public void refresh() {
        synchronized (this) {
            forced = true;
            long wait = queried ? Math.max(0, lastQuery + minRefresh.toNanos() - ticker.read()) : 0;
            scheduleIn(wait);
        }
    }

    private synchronized void scheduleIn(long delayNanos) {
        if (isClosed()) {
            return;
        }
        long due = ticker.read() + delayNanos;
        if (next != null && !next.isDone() && nextDue <= due) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        nextDue = due;
        next = scheduler.schedule(this::resolveAndSchedule, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void resolveAndSchedule() {
        boolean force;
        synchronized (this) {
            if (isClosed()) {
                return;
            }
            next = null;
            force = forced;
            forced = false;
            lastQuery = ticker.read();
            queried = true;
        }
        long delay;
        try {
            List<Server> servers = query.servers();
            synchronized (this) {
                if (failures > 0) {
                    log.info("{}: resolves again after {} failures: {} servers", name(), failures, servers.size());
                }
                failures = 0;
            }
            if (force || !servers.equals(current()) || !sameSettings(servers, current())) {
                publish(servers);
            }
            delay = refreshInterval.toNanos();
        } catch (NamingException | RuntimeException e) {
            int n;
            synchronized (this) {
                n = ++failures;
            }
            String msg = name() + ": resolution failed: " + e;
            if (n == 1) {
                log.warn(msg);
            } else {
                log.debug(msg);
            }
            publishFailure(new DnsResolutionException(msg, e));
            delay = Math.min(maxRefresh.toNanos(), minRefresh.toNanos() << Math.min(n - 1, 30));
        }
        scheduleIn(delay);
    }

    /** Servers are equal by id; a changed weight or tier must be delivered too. */
    private static boolean sameSettings(List<Server> a, List<Server> b) {
        for (int i = 0; i < a.size(); i++) {
            Server x = a.get(i);
            Server y = b.get(i);
            if (x.weight() != y.weight() || x.backup() != y.backup()) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void doClose() {
        synchronized (this) {
            if (next != null) {
                next.cancel(false);
            }
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    /** Why a DNS resolution failed: the message names the source; the cause is the JNDI exception. */
    public static final class DnsResolutionException extends Exception {
        private static final long serialVersionUID = 1L;

        DnsResolutionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The JVM's positive DNS cache TTL when set to a positive number of seconds, else the default. */
    static Duration jvmCacheTtlOrDefault() {
        String v = Security.getProperty("networkaddress.cache.ttl");
        if (v == null) {
            v = System.getProperty("sun.net.inetaddr.ttl");
        }
        try {
            long s = v == null ? -1 : Long.parseLong(v.trim());
            return s > 0 ? Duration.ofSeconds(Math.min(s, DEFAULT_MAX_REFRESH.toSeconds())) : DEFAULT_REFRESH_INTERVAL;
        } catch (NumberFormatException e) {
            return DEFAULT_REFRESH_INTERVAL;
        }
    }

    /** Builds a {@link DnsServerSource}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final boolean srv;
        private final int port;
        private List<String> dnsServers = List.of();
        private Duration refreshInterval = jvmCacheTtlOrDefault();
        private Duration minRefresh = DEFAULT_MIN_REFRESH;
        private Duration maxRefresh = DEFAULT_MAX_REFRESH;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int attempts = DEFAULT_ATTEMPTS;
        private ScheduledExecutorService scheduler;
        private Ticker ticker = Ticker.system();

        private Builder(String name, boolean srv, int port) {
            if (name == null || name.isBlank() || !name.chars().allMatch(c -> (c < 128 && Character.isLetterOrDigit(c))
                    || c == '.' || c == '-' || c == '_')) {
                throw new IllegalArgumentException((srv ? "service" : "host") + " must be a DNS name (letters, digits, "
                        + "'.', '-', '_'), was " + (name == null ? "null" : "'" + name + "'"));
            }
            this.name = name;
            this.srv = srv;
            this.port = port;
        }

        /**
         * DNS servers to ask, as JNDI URLs ({@code dns://10.0.0.2}, {@code dns://127.0.0.1:5353}); default: the
         * system's resolvers.
         */
        public Builder dnsServers(List<String> urls) {
            if (urls == null || urls.isEmpty()) {
                throw new IllegalArgumentException("dnsServers must not be null or empty");
            }
            for (String u : urls) {
                if (u == null || !u.matches("dns://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|dns://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
                    throw new IllegalArgumentException("dnsServers entries must look like dns://host[:port], was "
                            + (u == null ? "null" : "'" + u + "'"));
                }
            }
            this.dnsServers = List.copyOf(urls);
            return this;
        }

        /** From minRefresh to maxRefresh; default: the JVM's {@code networkaddress.cache.ttl}, else 30 s. */
        public Builder refreshInterval(Duration d) {
            this.refreshInterval = positive("refreshInterval", d);
            return this;
        }

        /** 10 ms or more; default {@link #DEFAULT_MIN_REFRESH}. */
        public Builder minRefresh(Duration d) {
            this.minRefresh = positive("minRefresh", d);
            return this;
        }

        /** Up to 1 day; default {@link #DEFAULT_MAX_REFRESH}. */
        public Builder maxRefresh(Duration d) {
            this.maxRefresh = positive("maxRefresh", d);
            return this;
        }

        /** 10 ms to 1 minute; default {@link #DEFAULT_TIMEOUT}. */
        public Builder timeout(Duration d) {
            this.timeout = positive("timeout", d);
            if (d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("timeout must be in [PT0.01S, PT1M], was " + d);
            }
            return this;
        }

        /** Queries per DNS server, 1 to 10, the timeout doubling each time; default {@link #DEFAULT_ATTEMPTS}. */
        public Builder attempts(int attempts) {
            if (attempts < 1 || attempts > 10) {
                throw new IllegalArgumentException("attempts must be in [1, 10], was " + attempts);
            }
            this.attempts = attempts;
            return this;
        }

        /** Runs the queries; the caller keeps ownership. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            if (scheduler == null) {
                throw new IllegalArgumentException("scheduler must not be null");
            }
            this.scheduler = scheduler;
            return this;
        }

        /** The clock of the minimum refresh; use the scheduler's clock. */
        public Builder ticker(Ticker ticker) {
            if (ticker == null) {
                throw new IllegalArgumentException("ticker must not be null");
            }
            this.ticker = ticker;
            return this;
        }

        /**
         * Starts the source: the first query runs at once on the scheduler.
         *
         * @throws IllegalArgumentException unless minRefresh &le; refreshInterval &le; maxRefresh &le; 1 day
         */
        public DnsServerSource build() {
            if (maxRefresh.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("maxRefresh must be at most PT24H, was " + maxRefresh);
            }
            if (minRefresh.compareTo(refreshInterval) > 0 || refreshInterval.compareTo(maxRefresh) > 0) {
                throw new IllegalArgumentException("refresh intervals must satisfy minRefresh <= refreshInterval <= maxRefresh, were "
                        + minRefresh + ", " + refreshInterval + ", " + maxRefresh);
            }
            return new DnsServerSource(this);
        }

        private static Duration positive(String field, Duration d) {
            if (d == null) {
                throw new IllegalArgumentException(field + " must not be null");
            }
            if (d.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException(field + " must be at least PT0.01S, was " + d);
            }
            return d;
        }
    }
}
