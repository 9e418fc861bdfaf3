package io.lb4j.config;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Server;
import io.lb4j.api.Strategy;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolBuilder;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@code [ipv6]} or {@code host} (port 80), and the parameters are {@code weight=N} (1 to
 * {@link Server#MAX_WEIGHT}), {@code max_fails=N} (0 to {@link Server#MAX_MAX_FAILS}),
 * {@code fail_timeout=<time>} (positive), {@code slow_start=<time>}, {@code backup}, {@code down}, each at
 * most once. A time is nginx's syntax: a number of seconds ({@code 10}), or numbers with units in
 * decreasing order, {@code ms s m h d w M y} ({@code 500ms}, {@code 1m30s}, {@code 1h}). The server's id is
 * its {@code host:port}; the same address twice is an error. A block needs at least one server.
 *
 * <h2>Errors</h2>
 * Anything else — an unknown directive or parameter (including nginx directives lb4j does not implement,
 * such as {@code keepalive} or {@code zone}), a bad number or time, a missing {@code ;}, {@code &#123;} or
 * {@code &#125;}, a duplicate server, two balancing directives — throws {@link NginxConfigException} whose
 * message starts with {@code line L, column C:} and says what was expected. Nothing half-built is returned.
 * Comments run from {@code #} to the end of the line; parameters may be quoted with {@code "} or {@code '}.
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

    private NginxUpstream(String name, String strategyName, String hashKey, boolean consistentHash,
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
        List<NginxUpstream> all = new Parser(requireText(text)).parseBlocks(false);
        return all.get(0);
    }

    /**
     * Parses one or more {@code upstream} blocks, in order; their names must differ.
     *
     * @throws NginxConfigException if a block is malformed, or there is none
     * @throws IllegalArgumentException if {@code text} is null
     */
    public static List<NginxUpstream> parseAll(String text) {
        return List.copyOf(new Parser(requireText(text)).parseBlocks(true));
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

    // ------------------------------------------------------------------------------------------ lexer

    private enum Kind { WORD, OPEN, CLOSE, SEMICOLON, END }

    private record Token(Kind kind, String text, int line, int column, int endLine, int endColumn) {
        String describe() {
            return kind == Kind.END ? "end of input" : "'" + text + "'";
        }
    }

    private static final class Lexer {
        private final String s;
        private int pos;
        private int line = 1;
        private int column = 1;

        Lexer(String s) {
            this.s = s;
        }

        private char advance() {
            char c = s.charAt(pos++);
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            return c;
        }

        List<Token> tokens() {
            List<Token> tokens = new ArrayList<>();
            while (true) {
                while (pos < s.length()) {
                    char c = s.charAt(pos);
                    if (c == '#') {
                        while (pos < s.length() && s.charAt(pos) != '\n') {
                            advance();
                        }
                    } else if (Character.isWhitespace(c)) {
                        advance();
                    } else {
                        break;
                    }
                }
                int startLine = line;
                int startColumn = column;
                if (pos == s.length()) {
                    tokens.add(new Token(Kind.END, "", startLine, startColumn, startLine, startColumn));
                    return tokens;
                }
                char c = s.charAt(pos);
                if (c == '{' || c == '}' || c == ';') {
                    advance();
                    Kind kind = c == '{' ? Kind.OPEN : c == '}' ? Kind.CLOSE : Kind.SEMICOLON;
                    tokens.add(new Token(kind, String.valueOf(c), startLine, startColumn, line, column));
                    continue;
                }
                StringBuilder word = new StringBuilder();
                while (pos < s.length()) {
                    c = s.charAt(pos);
                    if (c == '"' || c == '\'') {
                        char quote = advance();
                        int quoteLine = line;
                        int quoteColumn = column - 1;
                        while (true) {
                            if (pos == s.length()) {
                                throw new NginxConfigException(quoteLine, quoteColumn,
                                        "unterminated quoted string; expected a closing " + quote);
                            }
                            char q = advance();
                            if (q == quote) {
                                break;
                            }
                            if (q == '\\' && pos < s.length()) {
                                q = advance();
                            }
                            word.append(q);
                        }
                    } else if (Character.isWhitespace(c) || c == '{' || c == '}' || c == ';' || c == '#') {
                        break;
                    } else {
                        word.append(advance());
                    }
                }
                tokens.add(new Token(Kind.WORD, word.toString(), startLine, startColumn, line, column));
            }
        }
    }

    // ----------------------------------------------------------------------------------------- parser

    private static final List<String> DIRECTIVES =
            List.of("server", "least_conn", "ip_hash", "hash", "random", "lb4j_strategy");
    private static final List<String> PARAMETERS =
            List.of("weight=", "max_fails=", "fail_timeout=", "slow_start=", "backup", "down");

    private static final class Parser {
        private final List<Token> tokens;
        private int next;

        Parser(String text) {
            this.tokens = new Lexer(text).tokens();
        }

        private Token peek() {
            return tokens.get(next);
        }

        private Token take() {
            Token t = tokens.get(next);
            if (t.kind != Kind.END) {
                next++;
            }
            return t;
        }

        private static NginxConfigException at(Token t, String problem) {
            return new NginxConfigException(t.line, t.column, problem);
        }

        /** A missing ';' is reported just after the token it should follow. */
        private void expectSemicolon(Token previous, String directive) {
            Token t = peek();
            if (t.kind == Kind.SEMICOLON) {
                take();
                return;
            }
            throw new NginxConfigException(previous.endLine, previous.endColumn,
                    "expected ';' to end the " + directive + " directive, found " + t.describe());
        }

        List<NginxUpstream> parseBlocks(boolean many) {
            List<NginxUpstream> blocks = new ArrayList<>();
            Map<String, Token> names = new HashMap<>();
            do {
                Token start = peek();
                NginxUpstream block = parseBlock();
                Token first = names.putIfAbsent(block.name, start);
                if (first != null) {
                    throw at(start, "duplicate upstream '" + block.name + "', first defined at line " + first.line);
                }
                blocks.add(block);
            } while (many && peek().kind != Kind.END);
            Token t = peek();
            if (t.kind != Kind.END) {
                throw at(t, "expected end of input after the upstream block, found " + t.describe()
                        + " (use parseAll for several blocks)");
            }
            return blocks;
        }

        private NginxUpstream parseBlock() {
            Token keyword = take();
            if (keyword.kind != Kind.WORD || !keyword.text.equals("upstream")) {
                throw at(keyword, "expected 'upstream', found " + keyword.describe());
            }
            Token name = take();
            if (name.kind != Kind.WORD || name.text.isEmpty()) {
                throw at(name, "expected the upstream's name after 'upstream', found " + name.describe());
            }
            Token open = take();
            if (open.kind != Kind.OPEN) {
                throw at(open, "expected '{' after 'upstream " + name.text + "', found " + open.describe());
            }
            String strategy = null;
            Token strategyToken = null;
            String hashKey = null;
            boolean consistent = false;
            List<UpstreamServer> servers = new ArrayList<>();
            Map<String, Token> serverIds = new HashMap<>();
            while (true) {
                Token t = take();
                if (t.kind == Kind.CLOSE) {
                    if (servers.isEmpty()) {
                        throw at(t, "upstream '" + name.text + "' has no server; expected at least one 'server' directive");
                    }
                    return new NginxUpstream(name.text, strategy == null ? DEFAULT_STRATEGY : strategy, hashKey,
                            consistent, servers);
                }
                if (t.kind == Kind.END) {
                    throw at(t, "expected '}' to close upstream '" + name.text + "' opened at line " + open.line
                            + ", found end of input");
                }
                if (t.kind != Kind.WORD) {
                    throw at(t, "expected a directive (one of " + String.join(", ", DIRECTIVES) + ") or '}', found "
                            + t.describe());
                }
                if (t.text.equals("upstream")) {
                    throw at(t, "expected '}' to close upstream '" + name.text + "' opened at line " + open.line
                            + ", found 'upstream'");
                }
                if (t.text.equals("server")) {
                    UpstreamServer server = parseServer(t);
                    Token first = serverIds.putIfAbsent(server.server().id(), t);
                    if (first != null) {
                        throw at(t, "duplicate server '" + server.server().id() + "', first defined at line "
                                + first.line + "; expected each address once");
                    }
                    servers.add(server);
                    continue;
                }
                if (!DIRECTIVES.contains(t.text)) {
                    throw at(t, "unknown directive '" + t.text + "'; expected one of " + String.join(", ", DIRECTIVES)
                            + " or '}'");
                }
                if (strategyToken != null) {
                    throw at(t, "load balancing method redefined: '" + t.text + "' after '" + strategyToken.text
                            + "' at line " + strategyToken.line + "; expected at most one of least_conn, ip_hash,"
                            + " hash, random, lb4j_strategy");
                }
                strategyToken = t;
                switch (t.text) {
                    case "least_conn":
                        strategy = "weighted-least-connections";
                        expectSemicolon(t, "least_conn");
                        break;
                    case "ip_hash":
                        strategy = "source-hash";
                        expectSemicolon(t, "ip_hash");
                        break;
                    case "hash": {
                        Token key = take();
                        if (key.kind != Kind.WORD) {
                            throw at(key, "expected a key expression after 'hash' (e.g. $request_uri), found "
                                    + key.describe());
                        }
                        hashKey = key.text;
                        Token last = key;
                        if (peek().kind == Kind.WORD) {
                            Token flag = take();
                            if (!flag.text.equals("consistent")) {
                                throw at(flag, "unknown hash parameter '" + flag.text + "'; expected 'consistent' or ';'");
                            }
                            consistent = true;
                            last = flag;
                        }
                        strategy = "destination-hash";
                        expectSemicolon(last, "hash");
                        break;
                    }
                    case "random": {
                        strategy = "random";
                        Token last = t;
                        if (peek().kind == Kind.WORD) {
                            Token two = take();
                            if (!two.text.equals("two")) {
                                throw at(two, "unknown random parameter '" + two.text + "'; expected 'two' or ';'");
                            }
                            strategy = "least-request";
                            last = two;
                            if (peek().kind == Kind.WORD) {
                                Token method = take();
                                if (!method.text.equals("least_conn")) {
                                    throw at(method, "unknown method '" + method.text
                                            + "' for 'random two'; expected 'least_conn' or ';'");
                                }
                                last = method;
                            }
                        }
                        expectSemicolon(last, "random");
                        break;
                    }
                    case "lb4j_strategy": {
                        Token value = take();
                        if (value.kind != Kind.WORD) {
                            throw at(value, "expected a strategy name after 'lb4j_strategy' (one of "
                                    + String.join(", ", Strategies.namesAndAliases()) + "), found " + value.describe());
                        }
                        if (!Strategies.isKnown(value.text)) {
                            throw at(value, "unknown strategy '" + value.text + "'; expected one of "
                                    + String.join(", ", Strategies.namesAndAliases()));
                        }
                        strategy = Strategies.byName(value.text).name();
                        expectSemicolon(value, "lb4j_strategy");
                        break;
                    }
                    default:
                        throw new AssertionError(t.text);
                }
            }
        }

        private UpstreamServer parseServer(Token keyword) {
            Token address = take();
            if (address.kind != Kind.WORD || address.text.isEmpty()) {
                throw at(address, "expected a server address (host, host:port or [ipv6]:port) after 'server', found "
                        + address.describe());
            }
            Server.Builder builder = address(address);
            boolean down = false;
            Map<String, Token> seen = new HashMap<>();
            Token last = address;
            while (peek().kind == Kind.WORD) {
                Token p = take();
                String text = p.text;
                int eq = text.indexOf('=');
                String key = eq < 0 ? text : text.substring(0, eq + 1);
                if (DIRECTIVES.contains(text) || text.equals("upstream")) {
                    throw new NginxConfigException(last.endLine, last.endColumn,
                            "expected ';' to end the server directive, found '" + text + "'");
                }
                if (!PARAMETERS.contains(key)) {
                    throw at(p, "unknown server parameter '" + text + "'; expected one of "
                            + String.join(", ", PARAMETERS) + " or ';'");
                }
                Token first = seen.putIfAbsent(key, p);
                if (first != null) {
                    throw at(p, "duplicate server parameter '" + key + "'; expected each parameter at most once");
                }
                String value = eq < 0 ? null : text.substring(eq + 1);
                switch (key) {
                    case "weight=":
                        builder.weight(integer(p, value, "weight", 1, Server.MAX_WEIGHT));
                        break;
                    case "max_fails=":
                        builder.maxFails(integer(p, value, "max_fails", 0, Server.MAX_MAX_FAILS));
                        break;
                    case "fail_timeout=": {
                        Duration d = time(p, value, "fail_timeout");
                        if (d.isZero()) {
                            throw at(p, "fail_timeout must be a positive time, was '" + value + "'");
                        }
                        try {
                            builder.failTimeout(d);
                        } catch (IllegalArgumentException e) {
                            throw at(p, "fail_timeout: " + e.getMessage());
                        }
                        break;
                    }
                    case "slow_start=":
                        try {
                            builder.slowStart(time(p, value, "slow_start"));
                        } catch (IllegalArgumentException e) {
                            if (e instanceof NginxConfigException) {
                                throw e;
                            }
                            throw at(p, "slow_start: " + e.getMessage());
                        }
                        break;
                    case "backup":
                        builder.backup(true);
                        break;
                    case "down":
                        down = true;
                        break;
                    default:
                        throw new AssertionError(key);
                }
                last = p;
            }
            expectSemicolon(last, "server");
            try {
                return new UpstreamServer(builder.build(), down);
            } catch (IllegalArgumentException e) {
                throw at(address, "invalid server '" + address.text + "': " + e.getMessage());
            }
        }

        private static Server.Builder address(Token t) {
            String a = t.text;
            String host;
            String portText = null;
            if (a.startsWith("unix:")) {
                throw at(t, "unix socket address '" + a + "' is not supported; expected host, host:port or [ipv6]:port");
            }
            if (a.startsWith("[")) {
                int close = a.indexOf(']');
                if (close < 0) {
                    throw at(t, "IPv6 address '" + a + "' lacks ']'; expected [ipv6]:port");
                }
                host = a.substring(1, close);
                String rest = a.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw at(t, "unexpected '" + rest + "' after ']' in '" + a + "'; expected :port");
                    }
                    portText = rest.substring(1);
                }
                if (host.isEmpty() || host.indexOf(':') < 0) {
                    throw at(t, "'" + host + "' in brackets is not an IPv6 address; expected [ipv6]:port");
                }
            } else {
                int colon = a.indexOf(':');
                if (colon >= 0 && a.indexOf(':', colon + 1) >= 0) {
                    throw at(t, "IPv6 address '" + a + "' must be in brackets; expected [ipv6]:port");
                }
                host = colon < 0 ? a : a.substring(0, colon);
                portText = colon < 0 ? null : a.substring(colon + 1);
                if (host.isEmpty()) {
                    throw at(t, "missing host in '" + a + "'; expected host:port");
                }
            }
            int port = portText == null ? DEFAULT_PORT : integer(t, portText, "port", 1, 65535);
            return Server.builder(host, port);
        }

        private static int integer(Token t, String value, String what, int min, int max) {
            if (value == null || value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
                throw at(t, "bad number '" + (value == null ? "" : value) + "' for " + what + "; expected an integer in ["
                        + min + ", " + max + "]");
            }
            long v = Long.parseLong(value);
            if (v < min || v > max) {
                throw at(t, what + " must be in [" + min + ", " + max + "], was " + value);
            }
            return (int) v;
        }

        private static final String UNITS = "y M w d h m s ms";

        /** nginx's ngx_parse_time: numbers with units in decreasing order; a bare trailing number is seconds. */
        private static Duration time(Token t, String value, String what) {
            String expected = "; expected an nginx time such as 10, 10s, 500ms, 1m30s (units " + UNITS + ")";
            if (value == null || value.isEmpty()) {
                throw at(t, "missing time for " + what + expected);
            }
            long totalMillis = 0;
            int lastRank = Integer.MAX_VALUE;
            int i = 0;
            int n = value.length();
            while (i < n) {
                int start = i;
                while (i < n && Character.isDigit(value.charAt(i))) {
                    i++;
                }
                if (i == start || i - start > 12) {
                    throw at(t, "bad time '" + value + "' for " + what + expected);
                }
                long number = Long.parseLong(value.substring(start, i));
                long unitMillis;
                int rank;
                if (i == n) {
                    unitMillis = 1000;
                    rank = 1;
                } else if (value.startsWith("ms", i)) {
                    unitMillis = 1;
                    rank = 0;
                    i += 2;
                } else {
                    char u = value.charAt(i++);
                    switch (u) {
                        case 's': unitMillis = 1000L; rank = 1; break;
                        case 'm': unitMillis = 60_000L; rank = 2; break;
                        case 'h': unitMillis = 3_600_000L; rank = 3; break;
                        case 'd': unitMillis = 86_400_000L; rank = 4; break;
                        case 'w': unitMillis = 7 * 86_400_000L; rank = 5; break;
                        case 'M': unitMillis = 30 * 86_400_000L; rank = 6; break;
                        case 'y': unitMillis = 365 * 86_400_000L; rank = 7; break;
                        default:
                            throw at(t, "bad time '" + value + "' for " + what + ": unknown unit '" + u + "'" + expected);
                    }
                }
                if (rank >= lastRank) {
                    throw at(t, "bad time '" + value + "' for " + what + ": units must decrease" + expected);
                }
                lastRank = rank;
                try {
                    totalMillis = Math.addExact(totalMillis, Math.multiplyExact(number, unitMillis));
                } catch (ArithmeticException e) {
                    throw at(t, "time '" + value + "' for " + what + " is too large" + expected);
                }
            }
            return Duration.ofMillis(totalMillis);
        }
    }
}
