package io.lb4j.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JDBC driver for {@code jdbc:lb:} URLs: read-write work on the primary, read-only work balanced over
 * the replicas, through a {@link ReplicaRoutingDataSource} built over the real driver.
 *
 * <h2>URL</h2>
 * <pre>
 * jdbc:lb:mysql://primary:3306,replica1:3306,replica2:3306/db?user=app&amp;password=...&amp;lb.strategy=wlc&amp;lb.maxLag=5s
 * jdbc:lb:mariadb://...                          (same, over MariaDB Connector/J when it is on the class path)
 * jdbc:lb:mysql://address=(host=r1)(port=3306)(type=replica),address=(host=p)(port=3306)(type=primary)/db
 * </pre>
 * The first host is the primary and the others are replicas, unless hosts are given in Connector/J's
 * {@code address=(host=..)(port=..)(type=primary|replica)} form with exactly one {@code type=primary} (an
 * address without a type is a replica). The port defaults to 3306. Each node is reached through
 * {@code jdbc:mysql://host:port/db} (or {@code jdbc:mariadb:}) and {@link DriverManager}; every option not
 * starting with {@code lb.} (user, password, sslMode, ...) goes to that driver untouched, as Properties,
 * never in a URL. Options from the URL override those from the {@code Properties}. {@code connectTimeout}
 * defaults to 10000 ms when not given (Connector/J's own default waits forever).
 *
 * <h2>URL grammar</h2>
 * Strict, RFC 3986 in shape ({@link LbUrlParser} implements it; anything else is refused):
 * <pre>
 * url       = "jdbc:lb:" sub "://" [ userinfo "@" ] hosts [ "/" [ database ] ] [ "?" options ]
 * sub       = "mysql" / "mariadb"                         (any case)
 * userinfo  = user [ ":" password ]                       (user not empty)
 * hosts     = host *( "," host )
 * host      = name [ ":" port ] / "[" ipv6 "]" [ ":" port ]
 *           / "address=" 1*( "(" ( "host=" h / "port=" port / "type=" ( "primary" / "replica" ) ) ")" )
 * options   = option *( "&amp;" option )                  (empty options between '&amp;'s are ignored)
 * option    = key [ "=" value ]                           (key: a letter, then letters, digits, '.', '_', '-')
 * </pre>
 * <ul>
 *   <li><b>Characters.</b> The URL is printable ASCII without spaces; anything else, and {@code '%'}
 *       itself, is percent-encoded as UTF-8 ({@code %20}, {@code %C3%A9}). A raw {@code '#'} is refused
 *       anywhere ({@code %23}). Percent-encoding must be {@code '%'} and two hex digits and decode to
 *       valid UTF-8; {@code '+'} is a plus sign.</li>
 *   <li><b>Where {@code @ / ? :} may appear.</b> The host list ends at the first {@code '/'} or
 *       {@code '?'} after {@code "//"}. So the user and password may hold a raw {@code ':'} (the first one
 *       separates them) but never a raw {@code '/'}, {@code '?'} or {@code '@'}: those are {@code %2F},
 *       {@code %3F}, {@code %40}. Exactly one raw {@code '@'} may stand before the hosts. The database may
 *       hold none of {@code @ / ?} raw and, decoded, is 1 to 64 of {@code A-Z a-z 0-9 _ $ -} (it goes into
 *       the node URL). Option values may hold raw {@code @ / ? : =} ({@code ?password=Pa55@x/y} is the
 *       password {@code Pa55@x/y}); {@code '&'} in a value is {@code %26}.</li>
 *   <li><b>Hosts</b> are DNS names or IPv4 literals, or IPv6 literals in brackets
 *       ({@link io.lb4j.api.HostNames}), checked before anything is resolved, logged or named after them;
 *       ports are 1 to 65535 (default 3306); a host may not repeat.</li>
 *   <li><b>Credentials</b> come as user-info, as {@code user} / {@code password} options, or as
 *       Properties; the same option twice in the URL (user-info counting as {@code user} and
 *       {@code password}) is refused; the URL overrides the Properties.</li>
 * </ul>
 * A refused URL throws {@link SQLException} with SQLSTATE {@code HY024} whose message names the part by
 * position ({@code host #2}, {@code option lb.maxLag}, {@code character 17}, {@code the database}) and
 * never quotes user-info, host text, option values or other raw URL text.
 *
 * <h2>lb.* options</h2>
 * <table>
 *   <caption>options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>lb.strategy</td><td>round-robin</td><td>{@code Strategies.byName}: round-robin (rr), wrr, random, lc, wlc, sed, nq, least-request, peak-ewma;
 *       key-based strategies (sh, dh, lblc, lblcr) are refused: JDBC reads have no pick key</td></tr>
 *   <tr><td>lb.maxLag</td><td>30s</td><td>largest replication lag; {@code off} for no limit</td></tr>
 *   <tr><td>lb.replicationCheck</td><td>true</td><td>probe {@code SHOW REPLICA STATUS} besides {@code SELECT 1}</td></tr>
 *   <tr><td>lb.readFromPrimaryWhenNoReplicas</td><td>true</td><td>false: reads fail when no replica is eligible</td></tr>
 *   <tr><td>lb.readYourWrites</td><td>off</td><td>{@code session} (GTID wait) or a window such as {@code 2s}</td></tr>
 *   <tr><td>lb.readYourWritesScope</td><td>connection</td><td>{@code connection} or {@code thread}</td></tr>
 *   <tr><td>lb.readYourWritesTimeout</td><td>1s</td><td>GTID wait on a replica before reading from the primary</td></tr>
 *   <tr><td>lb.checkInterval / lb.checkTimeout</td><td>2s / 1s</td><td>health and role probe interval and timeout (a promoted
 *       replica takes writes within about one interval)</td></tr>
 *   <tr><td>lb.rise / lb.fall</td><td>2 / 3</td><td>passed / failed probes that restore / eject a node</td></tr>
 *   <tr><td>lb.maxFails / lb.failTimeout</td><td>1 / 10s</td><td>nginx passive health on connection failures (0 = off)</td></tr>
 *   <tr><td>lb.maxEjectionPercent</td><td>100</td><td>largest share of replicas health checking may eject</td></tr>
 *   <tr><td>lb.name</td><td>lb:primary host:port</td><td>name in logs, of the JMX bean
 *       ({@code io.lb4j.jdbc:type=Routing,name="..."}) and for {@link ReplicaRoutingDataSource#byName}</td></tr>
 *   <tr><td>lb.failover</td><td>true</td><td>probe every node's role ({@code @@global.read_only}, replication
 *       source): writes follow a replica promoted while the primary is unreachable or read-only, and two writable
 *       nodes that do not replicate refuse writes (split brain); {@code false} keeps writes on the first host</td></tr>
 *   <tr><td>lb.readsWhenPrimaryDown</td><td>serve-stale</td><td>while the primary is down, replicas whose IO thread
 *       reconnects keep serving reads ({@code serve-stale}) or are taken out ({@code fail})</td></tr>
 * </table>
 * Durations are {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601
 * ({@code PT5S}), from 0 to 1 day (each option may narrow that, e.g. {@code lb.checkTimeout} to 1 h). An unknown {@code lb.*} option or a bad value fails with an {@link SQLException} naming it.
 *
 * <h2>Connections</h2>
 * The driver keeps one {@link ReplicaRoutingDataSource} (and its health checking) per distinct URL and
 * properties, for the life of the JVM or until {@link #closeAll()}. It does not pool: a logical
 * connection opens at most one physical connection per node it uses (DriverManager-level), keeps it while
 * it lives, reuses it when it comes back to that node, and closes them all when it is closed. Put a pool
 * (HikariCP) in front of the {@code jdbc:lb:} URL, or build a {@link ReplicaRoutingDataSource} over one
 * pool per node yourself.
 *
 * <p>Thread-safe.
 */
public final class LbDriver implements Driver {
    private static final Logger log = LoggerFactory.getLogger(LbDriver.class);
    private static final Map<Key, ReplicaRoutingDataSource> ROUTINGS = new ConcurrentHashMap<>();
    /** Set by {@code JdbcInternals.driverManualHealthChecks} (tests): routings built from now on probe only by hand. */
    static volatile boolean manualHealthChecks;

    static {
        try {
            DriverManager.registerDriver(new LbDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Keyed by URL, properties and whether probes run by hand (tests); its toString never shows the URL's or
     * the properties' secrets.
     */
    private record Key(String url, Map<String, String> properties, boolean manualHealthChecks) {
        @Override
        public String toString() {
            return "Key[" + LbUrl.safe(url) + "]";
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return LbUrl.accepts(url);
    }

    /**
     * @return a routing connection, or null when the URL is not a {@code jdbc:lb:} URL (JDBC contract)
     * @throws SQLException naming the problem for a malformed URL, an unknown {@code lb.*} option or a bad value
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        return dataSource(url, info).getConnection();
    }

    /**
     * The routing data source this driver uses for {@code url} and {@code info} (built on first use):
     * stats, live membership, {@code setPrimary}.
     */
    public static ReplicaRoutingDataSource dataSource(String url, Properties info) throws SQLException {
        if (!LbUrl.accepts(url)) {
            throw LbUrl.bad("not a jdbc:lb: URL: " + LbUrl.safe(url));
        }
        Map<String, String> props = new TreeMap<>();
        if (info != null) {
            for (String k : info.stringPropertyNames()) {
                props.put(k, info.getProperty(k));
            }
        }
        boolean manual = manualHealthChecks;
        Key key = new Key(url, props, manual);
        ReplicaRoutingDataSource ds = ROUTINGS.get(key);
        if (ds != null && !ds.isClosed()) {
            return ds;
        }
        synchronized (ROUTINGS) {
            ds = ROUTINGS.get(key);
            if (ds == null || ds.isClosed()) {
                LbUrl parsed = LbUrl.parse(url, info);
                ds = LbOptions.build(parsed, manual);
                log.info("jdbc:lb: built {} for {}", ds.name(), parsed);
                ROUTINGS.put(key, ds);
            }
            return ds;
        }
    }

    /** Closes every routing data source this driver built (stops their health checks). */
    public static void closeAll() {
        synchronized (ROUTINGS) {
            for (ReplicaRoutingDataSource ds : ROUTINGS.values()) {
                ds.close();
            }
            ROUTINGS.clear();
        }
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        List<DriverPropertyInfo> list = new ArrayList<>();
        for (String o : LbOptions.OPTIONS) {
            DriverPropertyInfo p = new DriverPropertyInfo(o, info == null ? null : info.getProperty(o));
            p.required = false;
            list.add(p);
        }
        return list.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("lb4j logs through slf4j");
    }
}
