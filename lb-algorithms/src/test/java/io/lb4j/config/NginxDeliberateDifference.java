package io.lb4j.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documented places where lb4j and nginx 1.22 (open source, as {@link NginxOracle} runs it) deliberately
 * judge an {@code upstream} block differently; {@link NginxGrammarDifferentialTest} allows a disagreement only
 * when it is one of these. Each names why and the phrase of the README's nginx section that lists it.
 *
 * <p>{@link Direction#LB4J_STRICTER} entries are recognised by lb4j's refusal message (nginx accepted). The
 * others are recognised by nginx's message (lb4j accepted) and come with a {@link #repair} of the text that
 * nginx must then accept, so an extension or a missing context never hides a second problem in the same block.
 */
enum NginxDeliberateDifference {
    TWO_BALANCERS(Direction.LB4J_STRICTER, "load balancing method redefined",
            "nginx warns and uses the last balancing directive; a block that says two things is refused",
            "two balancing directives"),
    BLANK_NAME(Direction.LB4J_STRICTER, "blank upstream name",
            "nothing can proxy_pass to an upstream named \"\" or \" \", and lb4j names the pool after the upstream",
            "a blank upstream name (`upstream \"\" {`)"),
    REPEATED_PARAMETER(Direction.LB4J_STRICTER, "duplicate server parameter",
            "nginx silently takes the last of a repeated server parameter", "a repeated parameter or address"),
    REPEATED_ADDRESS(Direction.LB4J_STRICTER, "duplicate server '",
            "a server id is its host:port, unique in a pool; nginx keeps both copies", "a repeated parameter or address"),
    BACKUP_BEFORE_HASHING(Direction.LB4J_STRICTER, "'backup' is not supported with",
            "nginx refuses backup after ip_hash, hash or random but silently ignores it when written before them",
            "`backup` written before `ip_hash`, `hash` or `random`"),
    FAIL_TIMEOUT_ZERO(Direction.LB4J_STRICTER, "fail_timeout=0 is not supported",
            "a zero failure window cannot count failures", "`fail_timeout=0`"),
    LB4J_RANGES(Direction.LB4J_STRICTER, "(weight|max_fails|failTimeout) must be in \\[",
            "lb4j's Server limits (weight and max_fails up to 1,000,000, fail_timeout up to 1d) keep arithmetic exact;"
                    + " nginx accepts any 64-bit value",
            "`weight` or `max_fails` over 1000000, `fail_timeout` over 1d"),
    STRICT_HOSTS(Direction.LB4J_STRICTER, "invalid host '.*'; expected a DNS name|not in a form lb4j accepts",
            "nginx reads 010.0.0.1 and 1..2.3 itself and hands other hosts to the system resolver, which also reads"
                    + " 127.1 and a name cut at a NUL;"
                    + " lb4j accepts only RFC 1123 names and dotted-quad IPv4 literals, so a host means one thing",
            "IPv4 shorthands (`127.1`, `010.0.0.1`, `1..2.3`"),
    UNIX_SOCKETS(Direction.LB4J_STRICTER, "unix socket address",
            "lb4j's servers are host and port", "`unix:`"),
    NOT_IMPLEMENTED(Direction.LB4J_STRICTER, "is not supported by lb4j",
            "max_conns, keepalive*, zone: lb4j cannot honour them, and ignoring them would change what the block means",
            "`max_conns`, `keepalive`, `keepalive_requests`, `keepalive_time`, `keepalive_timeout`, `zone`"),
    SLOW_START(Direction.LB4J_EXTENSION, "invalid parameter \"slow_start=",
            "NGINX Plus's slow_start, which lb4j implements; open-source nginx does not know it", "`slow_start=`"),
    LB4J_STRATEGY(Direction.LB4J_EXTENSION, "unknown directive \"lb4j_strategy\"",
            "lb4j's own directive for the strategies nginx does not have", "`lb4j_strategy`"),
    HOST_RESOLUTION(Direction.CONTEXT, "host not found in upstream \"([^\"]*)\"",
            "nginx resolves names while it reads the configuration; lb4j checks their syntax and resolves them when it"
                    + " connects", "resolves host names when it connects"),
    VARIABLE_DEFINED_ELSEWHERE(Direction.CONTEXT, "unknown \"([^\"]*)\" variable",
            "a hash key's variables may come from the rest of the nginx configuration (map, set, geo), which lb4j"
                    + " does not see; lb4j checks the key's syntax only", "whether a `hash` key's variables exist");

    /** Which way the verdicts differ. */
    enum Direction {
        /** lb4j refuses what nginx accepts. */
        LB4J_STRICTER,
        /** lb4j accepts a documented extension nginx 1.22 does not know. */
        LB4J_EXTENSION,
        /** nginx's verdict depends on something outside the block (DNS, other directives). */
        CONTEXT
    }

    private final Direction direction;
    private final Pattern pattern;
    private final String reason;
    private final String readme;

    NginxDeliberateDifference(Direction direction, String regex, String reason, String readme) {
        this.direction = direction;
        this.pattern = Pattern.compile(regex);
        this.reason = reason;
        this.readme = readme;
    }

    Direction direction() {
        return direction;
    }

    String reason() {
        return reason;
    }

    /** A phrase the README's nginx section must contain. */
    String readme() {
        return readme;
    }

    /** The documented difference that explains lb4j refusing with {@code lb4jMessage}, or null. */
    static NginxDeliberateDifference forRefusal(String lb4jMessage) {
        for (NginxDeliberateDifference d : values()) {
            if (d.direction == Direction.LB4J_STRICTER && d.pattern.matcher(lb4jMessage).find()) {
                return d;
            }
        }
        return null;
    }

    /** The documented difference that explains nginx refusing with {@code nginxMessage}, or null. */
    static NginxDeliberateDifference forAcceptance(String nginxMessage) {
        for (NginxDeliberateDifference d : values()) {
            if (d.direction != Direction.LB4J_STRICTER && d.pattern.matcher(nginxMessage).find()) {
                return d;
            }
        }
        return null;
    }

    /**
     * {@code text} without what nginx refused for this reason (the extension removed, the context supplied):
     * what nginx must accept when lb4j accepted {@code text}.
     */
    String repair(String text, String nginxMessage) {
        Matcher m = pattern.matcher(nginxMessage);
        String found = m.find() && m.groupCount() > 0 ? m.group(1) : null;
        switch (this) {
            case SLOW_START:
                return text.replaceAll("([\"']?)slow_start=[^\\s;\"']*\\1", "");
            case LB4J_STRATEGY:
                return text.replaceAll("([\"']?)lb4j_strategy\\1\\s+[^;]*;", "");
            case HOST_RESOLUTION:
                return found == null ? text : text.replace(found, "localhost");
            case VARIABLE_DEFINED_ELSEWHERE:
                return found == null ? text : "map $uri $" + found + " { default 1; }\n" + text;
            default:
                throw new IllegalStateException(name() + " is not repaired: lb4j refuses it");
        }
    }
}
