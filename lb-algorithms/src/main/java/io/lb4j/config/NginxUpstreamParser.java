package io.lb4j.config;

import io.lb4j.algorithms.Strategies;
import io.lb4j.api.Server;
import io.lb4j.config.NginxLexer.Kind;
import io.lb4j.config.NginxLexer.Token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The directives of nginx {@code upstream} blocks, over {@link NginxLexer}'s tokens; see
 * {@link NginxUpstream} for the grammar. Every refusal is an {@link NginxConfigException} at the token.
 * One instance parses one text on one thread.
 */
final class NginxUpstreamParser {
    static final List<String> DIRECTIVES =
            List.of("server", "least_conn", "ip_hash", "hash", "random", "lb4j_strategy");
    static final List<String> PARAMETERS =
            List.of("weight=", "max_fails=", "fail_timeout=", "slow_start=", "backup", "down");
    /** nginx directives and server parameters lb4j knows of but does not implement. */
    private static final List<String> UNSUPPORTED_DIRECTIVES = List.of("keepalive", "keepalive_requests",
            "keepalive_time", "keepalive_timeout", "zone", "least_time", "ntlm", "queue", "resolver",
            "resolver_timeout", "sticky", "state");
    private static final List<String> UNSUPPORTED_PARAMETERS = List.of("max_conns=", "resolve", "route=", "service=",
            "drain");
    /** The balancers whose nginx module does not set NGX_HTTP_UPSTREAM_BACKUP. */
    private static final List<String> NO_BACKUP = List.of("ip_hash", "hash", "random");
    private static final String TIME = "an nginx time in seconds such as 10, 10s, 1m30s or 1s30 (units y M w d h m s;"
            + " nginx reads this parameter in seconds, so ms is refused)";

    private final List<Token> tokens;
    private int next;

    NginxUpstreamParser(String text) {
        this.tokens = NginxLexer.tokens(text);
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.kind() != Kind.END) {
            next++;
        }
        return t;
    }

    private static NginxConfigException at(Token t, String problem) {
        return new NginxConfigException(t.line(), t.column(), problem);
    }

    private static String q(String s) {
        return NginxLexer.quote(s);
    }

    List<NginxUpstream> parseBlocks(boolean many) {
        List<NginxUpstream> blocks = new ArrayList<>();
        Map<String, Token> names = new HashMap<>();
        do {
            Token start = peek();
            NginxUpstream block = parseBlock();
            Token first = names.putIfAbsent(asciiLowerCase(block.name()), start);
            if (first != null) {
                throw at(start, "duplicate upstream " + q(block.name()) + ", first defined at line " + first.line()
                        + " (nginx compares upstream names ignoring ASCII case); expected each name once");
            }
            blocks.add(block);
        } while (many && peek().kind() != Kind.END);
        Token t = peek();
        if (t.kind() != Kind.END) {
            throw at(t, "expected end of input after the upstream block, found " + t.describe()
                    + " (use parseAll for several blocks)");
        }
        return blocks;
    }

    /** nginx's {@code ngx_strncasecmp}: only ASCII letters fold. */
    private static String asciiLowerCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return sb.toString();
    }

    /** One directive: its name, its arguments, and the token that ended it. */
    private record Statement(Token name, List<Token> args, Token end) {
        Token last() {
            return args.isEmpty() ? name : args.get(args.size() - 1);
        }
    }

    /** Words up to ';'. A missing ';' is reported just after the last word. */
    private Statement statement(Token name) {
        List<Token> args = new ArrayList<>();
        Token previous = name;
        while (peek().kind() == Kind.WORD) {
            Token w = peek();
            if (w.line() > previous.endLine() && (DIRECTIVES.contains(w.text()) || w.text().equals("upstream"))) {
                // a directive on the next line: the ';' was forgotten (refused either way, this says why)
                throw new NginxConfigException(previous.endLine(), previous.endColumn(),
                        "expected ';' to end the " + name.text() + " directive, found " + w.describe());
            }
            previous = take();
            args.add(previous);
        }
        Token end = peek();
        Token last = args.isEmpty() ? name : args.get(args.size() - 1);
        if (end.kind() == Kind.OPEN) {
            throw at(end, "directive " + q(name.text()) + " takes no block; expected ';'");
        }
        if (end.kind() != Kind.SEMICOLON) {
            throw new NginxConfigException(last.endLine(), last.endColumn(),
                    "expected ';' to end the " + name.text() + " directive, found " + end.describe());
        }
        take();
        return new Statement(name, args, end);
    }

    private static void arguments(Statement s, int min, int max, String usage) {
        int n = s.args().size();
        if (n < min) {
            throw at(s.end(), "invalid number of arguments in " + q(s.name().text()) + "; expected " + usage);
        }
        if (n > max) {
            throw at(s.args().get(max), "invalid number of arguments in " + q(s.name().text()) + "; expected " + usage);
        }
    }

    private NginxUpstream parseBlock() {
        Token keyword = take();
        if (keyword.kind() != Kind.WORD || !keyword.text().equals("upstream")) {
            throw at(keyword, "expected 'upstream', found " + keyword.describe());
        }
        Token name = take();
        if (name.kind() != Kind.WORD) {
            throw at(name, "expected the upstream's name after 'upstream', found " + name.describe());
        }
        if (name.text().isBlank()) {
            throw at(name, "blank upstream name " + name.describe() + " (nginx accepts it, but nothing can proxy_pass"
                    + " to it); expected a name, which lb4j gives the pool");
        }
        Token open = take();
        if (open.kind() != Kind.OPEN) {
            throw at(open, "expected '{' after 'upstream' " + q(name.text()) + ", found " + open.describe());
        }
        Token balancer = null;
        String strategy = null;
        String hashKey = null;
        boolean consistent = false;
        List<UpstreamServer> servers = new ArrayList<>();
        List<Token> backups = new ArrayList<>();
        Map<String, Token> serverIds = new HashMap<>();
        while (true) {
            Token t = take();
            if (t.kind() == Kind.CLOSE) {
                if (servers.isEmpty()) {
                    throw at(t, "upstream " + q(name.text()) + " has no server; expected at least one 'server' directive");
                }
                if (balancer != null && NO_BACKUP.contains(balancer.text()) && !backups.isEmpty()) {
                    Token b = backups.get(0);
                    throw at(b, "'backup' is not supported with " + balancer.text() + " (line " + balancer.line()
                            + "), as in nginx; expected no backup servers, or the default round robin or least_conn");
                }
                if (servers.stream().allMatch(u -> u.server().backup())) {
                    throw at(t, "upstream " + q(name.text()) + " has only backup servers (nginx: no servers in upstream);"
                            + " expected at least one server without 'backup'");
                }
                return new NginxUpstream(name.text(), strategy == null ? NginxUpstream.DEFAULT_STRATEGY : strategy,
                        hashKey, consistent, servers);
            }
            if (t.kind() == Kind.END || (t.kind() == Kind.WORD && t.text().equals("upstream"))) {
                throw at(t, "expected '}' to close upstream " + q(name.text()) + " opened at line " + open.line()
                        + ", found " + t.describe());
            }
            if (t.kind() != Kind.WORD) {
                throw at(t, "expected a directive (one of " + String.join(", ", DIRECTIVES) + ") or '}', found "
                        + t.describe());
            }
            if (t.text().equals("server")) {
                Statement s = statement(t);
                arguments(s, 1, Integer.MAX_VALUE, "server <address> [parameters];");
                UpstreamServer server = parseServer(s, backups);
                Token first = serverIds.putIfAbsent(server.server().id(), t);
                if (first != null) {
                    throw at(t, "duplicate server " + q(server.server().id()) + ", first defined at line "
                            + first.line() + "; expected each address once");
                }
                servers.add(server);
                continue;
            }
            if (!DIRECTIVES.contains(t.text())) {
                String why = UNSUPPORTED_DIRECTIVES.contains(t.text()) ? "nginx directive " + q(t.text())
                        + " is not supported by lb4j" : "unknown directive " + q(t.text());
                throw at(t, why + "; expected one of " + String.join(", ", DIRECTIVES) + " or '}'");
            }
            if (balancer != null) {
                throw at(t, "load balancing method redefined: " + q(t.text()) + " after " + q(balancer.text())
                        + " at line " + balancer.line() + " (nginx warns and takes the last; lb4j refuses);"
                        + " expected at most one of least_conn, ip_hash, hash, random, lb4j_strategy");
            }
            balancer = t;
            Statement s = statement(t);
            switch (t.text()) {
                case "least_conn":
                    arguments(s, 0, 0, "least_conn;");
                    strategy = "weighted-least-connections";
                    break;
                case "ip_hash":
                    arguments(s, 0, 0, "ip_hash;");
                    strategy = "source-hash";
                    break;
                case "hash":
                    if (s.args().isEmpty()) {
                        throw at(s.end(), "expected a key expression after 'hash' (e.g. $request_uri), found ';'");
                    }
                    arguments(s, 1, 2, "hash <key> [consistent];");
                    hashKey = s.args().get(0).text();
                    String problem = NginxValues.complexValueProblem(hashKey);
                    if (problem != null) {
                        throw at(s.args().get(0), "invalid hash key " + q(hashKey) + ": " + problem + "; expected text"
                                + " and variables such as $request_uri, ${name}suffix or $1 (a variable name is ASCII"
                                + " letters, digits and '_')");
                    }
                    if (s.args().size() == 2) {
                        Token flag = s.args().get(1);
                        if (!flag.text().equals("consistent")) {
                            throw at(flag, "unknown hash parameter " + q(flag.text()) + "; expected 'consistent' or ';'");
                        }
                        consistent = true;
                    }
                    strategy = "destination-hash";
                    break;
                case "random":
                    strategy = random(s);
                    break;
                case "lb4j_strategy": {
                    arguments(s, 1, 1, "lb4j_strategy <name>; with a name among "
                            + String.join(", ", Strategies.namesAndAliases()));
                    Token value = s.args().get(0);
                    if (!Strategies.isKnown(value.text())) {
                        throw at(value, "unknown strategy " + q(value.text()) + "; expected one of "
                                + String.join(", ", Strategies.namesAndAliases()));
                    }
                    strategy = Strategies.byName(value.text()).name();
                    break;
                }
                default:
                    throw new AssertionError(t.text());
            }
        }
    }

    private static String random(Statement s) {
        arguments(s, 0, 2, "random [two [least_conn]];");
        if (s.args().isEmpty()) {
            return "random";
        }
        Token two = s.args().get(0);
        if (!two.text().equals("two")) {
            throw at(two, "unknown random parameter " + q(two.text()) + "; expected 'two' or ';'");
        }
        if (s.args().size() == 2 && !s.args().get(1).text().equals("least_conn")) {
            Token method = s.args().get(1);
            throw at(method, "unknown method " + q(method.text()) + " for 'random two'; expected 'least_conn' or ';'");
        }
        return "least-request";
    }

    private static UpstreamServer parseServer(Statement s, List<Token> backups) {
        Token address = s.args().get(0);
        Server.Builder builder = NginxAddress.parse(address);
        boolean down = false;
        Map<String, Token> seen = new HashMap<>();
        for (Token p : s.args().subList(1, s.args().size())) {
            String text = p.text();
            int eq = text.indexOf('=');
            String key = eq < 0 ? text : text.substring(0, eq + 1);
            if (UNSUPPORTED_PARAMETERS.contains(key)) {
                throw at(p, "nginx server parameter " + q(key) + " is not supported by lb4j; expected one of "
                        + String.join(", ", PARAMETERS) + " or ';'");
            }
            if (!PARAMETERS.contains(key)) {
                throw at(p, "invalid server parameter " + q(text) + "; expected one of "
                        + String.join(", ", PARAMETERS) + " or ';'");
            }
            Token first = seen.putIfAbsent(key, p);
            if (first != null) {
                throw at(p, "duplicate server parameter " + q(key) + " (nginx takes the last; lb4j refuses);"
                        + " expected each parameter at most once");
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
                    long seconds = seconds(p, value, "fail_timeout");
                    if (seconds == 0) {
                        throw at(p, "fail_timeout=0 is not supported by lb4j; expected a time of at least 1s");
                    }
                    set(p, "fail_timeout", () -> builder.failTimeout(Duration.ofSeconds(seconds)));
                    break;
                }
                case "slow_start=": {
                    long seconds = seconds(p, value, "slow_start");
                    set(p, "slow_start", () -> builder.slowStart(Duration.ofSeconds(seconds)));
                    break;
                }
                case "backup":
                    builder.backup(true);
                    backups.add(p);
                    break;
                case "down":
                    down = true;
                    break;
                default:
                    throw new AssertionError(key);
            }
        }
        try {
            return new UpstreamServer(builder.build(), down);
        } catch (IllegalArgumentException e) {
            throw at(address, "invalid server " + q(address.text()) + ": " + e.getMessage());
        }
    }

    private static void set(Token p, String what, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw at(p, what + ": " + e.getMessage());
        }
    }

    /** {@code ngx_atoi}, then lb4j's range. */
    static int integer(Token t, String value, String what, long min, long max) {
        long v = value == null ? NginxValues.ERROR : NginxValues.atoi(value);
        if (v == NginxValues.ERROR) {
            throw at(t, "bad number " + q(value == null ? "" : value) + " for " + what
                    + "; expected ASCII digits, an integer in [" + min + ", " + max + "]");
        }
        if (v < min || v > max) {
            throw at(t, what + " must be in [" + min + ", " + max + "], was " + v);
        }
        return (int) v;
    }

    /** {@code ngx_parse_time(value, 1)}: seconds. */
    private static long seconds(Token t, String value, String what) {
        if (value == null || value.isEmpty()) {
            throw at(t, "missing time for " + what + "; expected " + TIME);
        }
        long v = NginxValues.parseTime(value, true);
        if (v == NginxValues.ERROR) {
            throw at(t, "bad time " + q(value) + " for " + what + "; expected " + TIME);
        }
        return v;
    }
}
