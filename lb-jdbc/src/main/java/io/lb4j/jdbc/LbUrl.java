package io.lb4j.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A parsed {@code jdbc:lb:} URL. See {@link LbDriver} for the syntax. Never keeps the password in
 * {@link #toString()} or in any message. Immutable.
 */
final class LbUrl {
    static final String PREFIX = "jdbc:lb:";
    static final int DEFAULT_PORT = 3306;

    /** One host of the URL. */
    record Host(String host, int port, boolean primary) {
        String address() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    final String subProtocol;
    final List<Host> hosts;
    final String database;
    /** Options starting with {@code lb.}, from the Properties then the URL (the URL wins). */
    final Map<String, String> lbOptions;
    /** Everything else, for the underlying driver. */
    final Properties driverProperties;

    private LbUrl(String subProtocol, List<Host> hosts, String database, Map<String, String> lbOptions, Properties driverProperties) {
        this.subProtocol = subProtocol;
        this.hosts = hosts;
        this.database = database;
        this.lbOptions = lbOptions;
        this.driverProperties = driverProperties;
    }

    static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * The URL without its query and without its user-info, for messages. The user-info is everything
     * before the last {@code '@'} of the URL (the same rule {@link #parse} uses), so a password holding
     * {@code '?'}, {@code '/'}, {@code ':'} or {@code '@'} is masked entirely as {@code ***@}. When the
     * sub-protocol is not a plain token it is left out too.
     */
    static String safe(String url) {
        if (url == null) {
            return "null";
        }
        String head = PREFIX;
        String rest = accepts(url) ? url.substring(PREFIX.length()) : url;
        int at = rest.lastIndexOf('@');
        int scheme = rest.indexOf("://");
        if (scheme > 0 && (at < 0 || scheme < at) && plainToken(rest.substring(0, scheme))) {
            head = (accepts(url) ? PREFIX : "") + rest.substring(0, scheme + 3);
            rest = rest.substring(scheme + 3);
            at = rest.lastIndexOf('@');
        } else if (!accepts(url)) {
            head = "";
        }
        String masked = rest;
        if (at >= 0) {
            String hosts = rest.substring(at + 1);
            String userInfo = rest.substring(0, at);
            // the same ambiguity parse() rejects: the part after the '@' may be a piece of a password
            masked = (userInfo.indexOf('/') >= 0 || userInfo.indexOf('?') >= 0) && hosts.indexOf('/') < 0 ? "***" : "***@" + hosts;
        }
        int q = masked.indexOf('?');
        if (q >= 0) {
            masked = masked.substring(0, q);
        }
        if (head.isEmpty() && at < 0 && !accepts(url)) {
            return masked;
        }
        return head + masked;
    }

    /** True for a token that can be quoted in a message: no ':' '@' '/' '?' and nothing blank. */
    static boolean plainToken(String s) {
        return !s.isEmpty() && s.length() <= 32 && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
    }

    static LbUrl parse(String url, Properties info) throws SQLException {
        if (!accepts(url)) {
            throw bad("not a jdbc:lb: URL: " + safe(url));
        }
        String rest = url.substring(PREFIX.length());
        int colon = rest.indexOf("://");
        if (colon <= 0) {
            throw bad("URL " + safe(url) + " must look like jdbc:lb:mysql://primary:3306,replica:3306/db");
        }
        String sub = rest.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        if (!sub.equals("mysql") && !sub.equals("mariadb")) {
            throw bad((plainToken(sub) ? "unsupported sub-protocol '" + sub + "' in " + safe(url) : "unsupported sub-protocol")
                    + "; lb4j routes jdbc:lb:mysql: and jdbc:lb:mariadb:");
        }
        rest = rest.substring(colon + 3);
        // User-info is everything before the LAST '@' (a password may hold ':', '/', '?' and '@'); the
        // host list starts after it. An '@' in the database name or in the query must be written %40.
        String userInfo = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            if ((userInfo.indexOf('/') >= 0 || userInfo.indexOf('?') >= 0) && rest.indexOf('/') < 0) {
                // "h1/db?x=a@b" or "user:pa/ss@h1": cannot tell a query from a password, and guessing
                // wrong would put a piece of the password into a host name. Say nothing of the parts.
                throw bad("ambiguous '@' in " + safe(url) + "; write the database after the hosts (jdbc:lb:mysql://user:pw@h1/db)"
                        + " and percent-encode '@', '/' and '?' in the password, database and query as %40, %2F and %3F");
            }
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String authority = rest;
        String database = null;
        int slash = indexOutsideParens(rest, '/');
        if (slash >= 0) {
            authority = rest.substring(0, slash);
            database = rest.substring(slash + 1);
            if (database.isEmpty()) {
                database = null;
            } else {
                database = decode(database, "database");
            }
        }
        Properties props = new Properties();
        Map<String, String> lb = new LinkedHashMap<>();
        if (info != null) {
            for (String k : info.stringPropertyNames()) {
                put(k, info.getProperty(k), lb, props);
            }
        }
        if (userInfo != null) {
            int c = userInfo.indexOf(':');
            props.setProperty("user", decode(c >= 0 ? userInfo.substring(0, c) : userInfo, "user"));
            if (c >= 0) {
                props.setProperty("password", decode(userInfo.substring(c + 1), "password"));
            }
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq >= 0 ? pair.substring(0, eq) : pair, "option name");
                String v = eq >= 0 ? decode(pair.substring(eq + 1), k.toLowerCase().contains("password") ? "password" : k) : "";
                if (k.isEmpty()) {
                    throw bad("empty option name in the query of " + safe(url));
                }
                put(k, v, lb, props);
            }
        }
        List<Host> hosts = parseHosts(authority, url);
        return new LbUrl(sub, Collections.unmodifiableList(hosts), database, Collections.unmodifiableMap(lb), props);
    }

    private static void put(String key, String value, Map<String, String> lb, Properties props) {
        if (key.startsWith("lb.")) {
            lb.put(key, value);
        } else {
            props.setProperty(key, value);
        }
    }

    private static List<Host> parseHosts(String authority, String url) throws SQLException {
        if (authority.isBlank()) {
            throw bad("no host in " + safe(url) + "; expected jdbc:lb:mysql://primary:3306,replica1:3306/db");
        }
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < authority.length(); i++) {
            char ch = authority.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(authority.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(authority.substring(start).trim());
        List<Host> hosts = new ArrayList<>();
        boolean anyTyped = false;
        for (int n = 0; n < parts.size(); n++) {
            String p = parts.get(n);
            String part = "host #" + (n + 1);
            if (p.isEmpty()) {
                throw bad(part + " is empty in " + safe(url));
            }
            Host h = p.regionMatches(true, 0, "address=", 0, 8) ? parseAddress(p, part, url) : parseHostPort(p, part, url);
            anyTyped |= h.primary();
            hosts.add(h);
        }
        if (anyTyped) {
            long primaries = hosts.stream().filter(Host::primary).count();
            if (primaries != 1) {
                throw bad(primaries + " hosts have type=primary in " + safe(url) + "; exactly one must");
            }
            List<Host> ordered = new ArrayList<>();
            hosts.stream().filter(Host::primary).forEach(ordered::add);
            hosts.stream().filter(h -> !h.primary()).forEach(ordered::add);
            hosts = ordered;
        } else {
            Host first = hosts.get(0);
            hosts.set(0, new Host(first.host(), first.port(), true));
        }
        for (int i = 0; i < hosts.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (hosts.get(i).address().equalsIgnoreCase(hosts.get(j).address())) {
                    throw bad("host #" + (i + 1) + " repeats host #" + (j + 1) + " in " + safe(url));
                }
            }
        }
        return hosts;
    }

    private static Host parseHostPort(String p, String part, String url) throws SQLException {
        String host;
        String port = null;
        if (p.startsWith("[")) {
            int close = p.indexOf(']');
            if (close < 0) {
                throw bad("unclosed '[' in " + part + " of " + safe(url));
            }
            host = p.substring(1, close);
            String after = p.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad("bad " + part + " in " + safe(url) + "; expected [ipv6]:port");
                }
                port = after.substring(1);
            }
        } else {
            int c = p.lastIndexOf(':');
            host = c >= 0 ? p.substring(0, c) : p;
            port = c >= 0 ? p.substring(c + 1) : null;
        }
        return new Host(checkHost(host, part, url), parsePort(port, part, url), false);
    }

    private static Host parseAddress(String p, String part, String url) throws SQLException {
        Map<String, String> kv = new LinkedHashMap<>();
        String body = p.substring(8).trim();
        int i = 0;
        while (i < body.length()) {
            if (body.charAt(i) != '(') {
                throw bad("bad address in " + part + " of " + safe(url) + "; expected address=(host=h)(port=3306)(type=primary|replica)");
            }
            int close = body.indexOf(')', i);
            if (close < 0) {
                throw bad("unclosed '(' in " + part + " of " + safe(url));
            }
            String item = body.substring(i + 1, close);
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw bad("bad item #" + (kv.size() + 1) + " in " + part + " of " + safe(url) + "; expected (key=value)");
            }
            kv.put(item.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT), item.substring(eq + 1).trim());
            i = close + 1;
        }
        for (String k : kv.keySet()) {
            if (!k.equals("host") && !k.equals("port") && !k.equals("type")) {
                throw bad((plainToken(k) ? "unknown key '" + k + "'" : "unknown key") + " in " + part + " of " + safe(url) + "; allowed: host, port, type");
            }
        }
        String type = kv.getOrDefault("type", "replica").toLowerCase(java.util.Locale.ROOT);
        if (!type.equals("primary") && !type.equals("replica")) {
            throw bad((plainToken(type) ? "type=" + type : "type") + " in " + part + " of " + safe(url) + " must be primary or replica");
        }
        String host = kv.get("host");
        if (host == null) {
            throw bad("no host in " + part + " of " + safe(url));
        }
        return new Host(checkHost(host, part, url), parsePort(kv.get("port"), part, url), type.equals("primary"));
    }

    private static String checkHost(String host, String part, String url) throws SQLException {
        if (host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '?' || c == '(' || c == ')')) {
            throw bad("no valid host name in " + part + " of " + safe(url));
        }
        return host;
    }

    private static int parsePort(String port, String part, String url) throws SQLException {
        if (port == null) {
            return DEFAULT_PORT;
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw bad("port of " + part + " in " + safe(url) + " must be a number from 1 to 65535");
        }
    }

    private static int indexOutsideParens(String s, char target) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == target && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(String s, String what) throws SQLException {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad("bad percent-encoding in " + ("password".equals(what) ? "the password" : "'" + what + "'"));
        }
    }

    static SQLException bad(String message) {
        return new SQLException(message, "HY024");
    }

    /** The underlying driver's URL of one node: no options, no credentials. */
    String nodeUrl(Host h) {
        return "jdbc:" + subProtocol + "://" + h.address() + "/" + (database == null ? "" : database);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(PREFIX).append(subProtocol).append("://");
        for (int i = 0; i < hosts.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(hosts.get(i).address());
        }
        sb.append('/').append(database == null ? "" : database);
        return sb.append(' ').append(lbOptions).toString();
    }
}
