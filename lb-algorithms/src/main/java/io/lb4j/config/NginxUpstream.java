package io.lb4j.config;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolBuilder;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;

import java.util.List;
import java.util.Optional;

/**
 * An nginx {@code upstream} block, parsed: its name, the balancing strategy its directives select, the hash
 * key expression if any, and its servers.
 *
 * <pre>
 * upstream backend {
 *     least_conn;
 *     server 127.0.0.1:9090 down;
 *     server 127.0.0.1:8080 weight=2 max_fails=3 fail_timeout=30s;
 *     server 127.0.0.1:6060 slow_start=10s;
 *     server 127.0.0.1:7070 backup;
 * }
 * </pre>
 *
 * <h2>Directives</h2>
 * <table>
 * <caption>Balancing directives and the lb4j strategy they select</caption>
 * <tr><th>nginx</th><th>strategy name</th><th>why</th></tr>
 * <tr><td>(none)</td><td>{@code weighted-round-robin}</td><td>nginx's default is smooth weighted round
 *     robin</td></tr>
 * <tr><td>{@code least_conn;}</td><td>{@code weighted-least-connections}</td><td>nginx's least_conn
 *     compares {@code conns / weight}: it is LVS {@code wlc}, not the unweighted LVS {@code lc}</td></tr>
 * <tr><td>{@code ip_hash;}</td><td>{@code source-hash}</td><td>the caller passes the client address as
 *     the pick context's key</td></tr>
 * <tr><td>{@code hash <key> [consistent];}</td><td>{@code destination-hash}</td><td>the key expression
 *     (e.g. {@code $request_uri}) is kept as text in {@link #hashKey()}; the caller evaluates it and passes
 *     the result as the pick context's key. lb4j's hashing strategy is used with or without
 *     {@code consistent}; {@link #consistentHash()} records which was written</td></tr>
 * <tr><td>{@code random;}</td><td>{@code random}</td><td>weighted random</td></tr>
 * <tr><td>{@code random two;} / {@code random two least_conn;}</td><td>{@code least-request}</td><td>two
 *     random candidates, the less loaded wins (nginx's default method for {@code two} is least_conn)</td></tr>
 * <tr><td>{@code lb4j_strategy <name>;}</td><td>any {@link Strategies} name, made canonical</td><td>lb4j's
 *     own directive, for the strategies nginx does not have</td></tr>
 * </table>
 * At most one balancing directive per block (nginx: "load balancing method redefined").
 *
 * <h2>Servers</h2>
 * {@code server <address> [parameters];} where the address is {@code host:port}, {@code [ipv6]:port},
 * {@code [ipv6]} or {@code host} (port 80): the host a DNS name or IPv4 literal and the bracketed part a
 * real IPv6 literal ({@link io.lb4j.api.HostNames}), the port ASCII digits from 1 to 65535. The
 * parameters are {@code weight=N} (1 to {@link Server#MAX_WEIGHT}), {@code max_fails=N} (0 to
 * {@link Server#MAX_MAX_FAILS}), {@code fail_timeout=<time>} (1s to 1d), {@code slow_start=<time>} (0 to
 * 1h, NGINX Plus syntax), {@code backup}, {@code down}. Numbers are nginx's {@code ngx_atoi}: ASCII digits
 * only. A time is nginx's {@code ngx_parse_time} in seconds mode, as nginx reads these parameters: numbers
 * with units in decreasing order {@code y M w d h m s}, a trailing number without a unit being seconds
 * ({@code 10}, {@code 30s}, {@code 1m30s}, {@code 1m30}, {@code 1s30} = 31 s), spaces after a unit skipped
 * ({@code "1m 30s"}); {@code ms} is refused, as nginx refuses it here. {@code backup} is refused with
 * {@code ip_hash}, {@code hash} and {@code random}, whose nginx modules do not support it, and at least one
 * server must be without {@code backup} (nginx: "no servers in upstream"). The server's id is its
 * {@code host:port}.
 *
 * <p>A {@code hash} key is checked as nginx compiles it: every {@code $} is followed by a capture digit
 * ({@code $1}), a variable name of ASCII letters, digits and {@code _}, or such a name in braces
 * ({@code ${name}}). Whether the variable exists is not checked: it may come from the rest of the nginx
 * configuration ({@code map}, {@code set}). Upstream names are compared ignoring ASCII case, as in nginx.
 *
 * <h2>Syntax</h2>
 * Tokens follow nginx's {@code ngx_conf_read_token}: white space is space, tab, CR and LF only;
 * {@code #} starts a comment only where a token starts ({@code a#b} is one word); {@code "} and
 * {@code '} quote a whole token only, and the closing quote must end it ({@code weight="2"} is the word
 * {@code weight="2"}, an invalid parameter; {@code "a""b"} is refused); a backslash escapes the next
 * character, and {@code \" \' \\ \t \r \n} are unescaped as nginx does.
 *
 * <h2>Errors</h2>
 * Anything nginx 1.22 refuses is refused: an unknown directive or parameter, a wrong number of arguments,
 * a bad number, time or address, a missing {@code ;}, <code>{</code> or <code>}</code>. So is what lb4j
 * does not implement (unix sockets, {@code max_conns}, {@code keepalive}, {@code zone}, ...), and, stricter
 * than nginx, what nginx only warns about or silently resolves: two balancing directives, the same
 * parameter twice on a server, the same address twice, {@code backup} with a hashing balancer written after
 * the backup server, {@code fail_timeout=0}, a blank upstream name, {@code weight} or {@code max_fails} over
 * 1,000,000, {@code fail_timeout} over 1d, and host names nginx might resolve but that are not RFC 1123
 * names (such as {@code my_host}) or IPv4 literals in another form than four decimal numbers without leading
 * zeros ({@code 127.1}, {@code 010.0.0.1}). Beyond open-source nginx, lb4j accepts NGINX Plus's
 * {@code slow_start} and its own {@code lb4j_strategy}. Each refusal throws
 * {@link NginxConfigException} whose message starts with {@code line L, column C:} (the offending token)
 * and says what was expected; token text in messages is cut short and escaped. Nothing half-built is
 * returned.
 *
 * <p>Immutable and thread-safe.
 */
public final class NginxUpstream {
    /** Strategy of a block without a balancing directive: nginx's default. */
    public static final String DEFAULT_STRATEGY = "weighted-round-robin";
    /** Port of a server address without one, as in nginx. */
    public static final int DEFAULT_PORT = 80;

    private final String name;
    private final String strategyName;
    private final String hashKey;
    private final boolean consistentHash;
    private final List<UpstreamServer> servers;

    NginxUpstream(String name, String strategyName, String hashKey, boolean consistentHash,
                          List<UpstreamServer> servers) {
        this.name = name;
        this.strategyName = strategyName;
        this.hashKey = hashKey;
        this.consistentHash = consistentHash;
        this.servers = List.copyOf(servers);
    }

    /**
     * Parses exactly one {@code upstream} block.
     *
     * @param text the configuration text, not null
     * @return the parsed block
     * @throws NginxConfigException if the text is not exactly one well-formed block
     * @throws IllegalArgumentException if {@code text} is null
     */
    public static NginxUpstream parse(String text) {
        List<NginxUpstream> all = new NginxUpstreamParser(requireText(text)).parseBlocks(false);
        return all.get(0);
    }

    /**
     * Parses one or more {@code upstream} blocks, in order; their names must differ.
     *
     * @throws NginxConfigException if a block is malformed, or there is none
     * @throws IllegalArgumentException if {@code text} is null
     */
    public static List<NginxUpstream> parseAll(String text) {
        return List.copyOf(new NginxUpstreamParser(requireText(text)).parseBlocks(true));
    }

    private static String requireText(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        return text;
    }

    /** The upstream's name, e.g. {@code backend}. */
    public String name() {
        return name;
    }

    /** The canonical {@link Strategies} name the directives select; see the class comment. */
    public String strategyName() {
        return strategyName;
    }

    /** The key expression of a {@code hash} directive, as written (e.g. {@code $request_uri}). */
    public Optional<String> hashKey() {
        return Optional.ofNullable(hashKey);
    }

    /** Whether the {@code hash} directive said {@code consistent}. */
    public boolean consistentHash() {
        return consistentHash;
    }

    /** The servers in file order, {@code down} ones included; unmodifiable. */
    public List<UpstreamServer> servers() {
        return servers;
    }

    /**
     * A new strategy instance for this upstream, {@code Strategies.byName(strategyName())}.
     *
     * @throws IllegalArgumentException if the strategy is not available in this build
     */
    public Strategy newStrategy() {
        return Strategies.byName(strategyName);
    }

    /**
     * A pool builder for this upstream: named after it, with its strategy and its servers (those marked
     * {@code down} added down), and nginx's passive health defaults ({@code max_fails=1 fail_timeout=10s},
     * which each server's own {@code max_fails}/{@code fail_timeout} override) and, as in nginx, no cap on
     * how many servers may be ejected ({@code maxEjectionPercent} 100): with every primary failed, the
     * {@code backup} servers answer. Set a ticker, more configuration or active health checks on the
     * builder before {@code build()}.
     *
     * @throws IllegalArgumentException if the strategy is not available in this build
     */
    public PoolBuilder toPoolBuilder() {
        PoolBuilder b = LoadBalancingPool.builder(name).strategy(newStrategy())
                .config(PoolConfig.custom().passiveHealth(PassiveHealth.ofDefaults()).maxEjectionPercent(100).build());
        for (UpstreamServer s : servers) {
            b.server(s.server(), s.down());
        }
        return b;
    }

    @Override
    public String toString() {
        return "NginxUpstream[" + name + " strategy=" + strategyName + (hashKey == null ? "" : " key=" + hashKey)
                + " servers=" + servers + "]";
    }
}
