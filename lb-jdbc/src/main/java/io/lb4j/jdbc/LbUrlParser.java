package io.lb4j.jdbc;

import io.lb4j.api.HostNames;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code jdbc:lb:} URL grammar written down in {@link LbDriver}, implemented strictly: whatever does
 * not match it exactly is refused with SQLSTATE {@value #SQLSTATE} and a message naming the part by
 * position ({@code host #2}, {@code option lb.maxLag}, {@code character 17}), never quoting URL text that
 * could hold a secret. Hosts are checked as DNS names or IP literals ({@link HostNames}) here, before
 * anything resolves, logs or names a pool after them. Stateless and thread-safe.
 */
final class LbUrlParser {
    /** SQLSTATE of every refusal: invalid attribute value. */
    static final String SQLSTATE = "HY024";
    /** An option name: what may be quoted in a message. */
    private static final Pattern OPTION_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
    /** A database name after percent-decoding (MySQL's 64 characters). */
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$-]{1,64}");
    private static final Pattern SUB_PROTOCOL = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,15}");
    private static final String SHAPE = "jdbc:lb:mysql://[user[:password]@]host[:port][,host[:port]...][/database][?key=value[&key=value...]]";
    private static final String ENCODE = "; percent-encode '@', '/', '?', '#', '&', '%' and non-ASCII characters in the"
            + " user, password, database and option values (%40, %2F, %3F, %23, %26, %25, UTF-8)";

    private LbUrlParser() {
    }

    static SQLException bad(String message) {
        return new SQLException(message, SQLSTATE);
    }

    static LbUrl parse(String url, Properties info) throws SQLException {
        if (!LbUrl.accepts(url)) {
            throw bad("not a jdbc:lb: URL; expected " + SHAPE);
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw bad("character " + (i + 1) + " of the URL is white space, a control character or not ASCII" + ENCODE);
            }
            if (c == '#') {
                throw bad("character " + (i + 1) + " of the URL is a raw '#' (a fragment has no meaning here)" + ENCODE);
            }
        }
        String rest = url.substring(LbUrl.PREFIX.length());
        int colon = rest.indexOf(':');
        String sub = colon < 0 ? rest : rest.substring(0, colon);
        if (colon < 0 || !rest.startsWith("//", colon + 1) || !SUB_PROTOCOL.matcher(sub).matches()) {
            throw bad("the URL must look like " + SHAPE);
        }
        sub = sub.toLowerCase(Locale.ROOT);
        if (!sub.equals("mysql") && !sub.equals("mariadb")) {
            throw bad("unsupported sub-protocol '" + sub + "'; lb4j routes jdbc:lb:mysql: and jdbc:lb:mariadb:");
        }
        rest = rest.substring(colon + 3);
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
            end++;
        }
        String authority = rest.substring(0, end);
        String path = null;
        String query = null;
        if (end < rest.length() && rest.charAt(end) == '/') {
            int q = rest.indexOf('?', end);
            path = q < 0 ? rest.substring(end + 1) : rest.substring(end + 1, q);
            query = q < 0 ? null : rest.substring(q + 1);
        } else if (end < rest.length()) {
            query = rest.substring(end + 1);
        }

        String userInfo = null;
        int at = authority.indexOf('@');
        if (at >= 0) {
            if (authority.indexOf('@', at + 1) >= 0) {
                throw bad("more than one raw '@' before the host list: only the one ending the user-info may be raw" + ENCODE);
            }
            userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
        }
        String database = database(path);

        Properties props = new Properties();
        Map<String, String> lb = new LinkedHashMap<>();
        if (info != null) {
            for (String k : info.stringPropertyNames()) {
                put(k, info.getProperty(k), lb, props);
            }
        }
        Set<String> fromUrl = new HashSet<>();
        if (userInfo != null) {
            int c = userInfo.indexOf(':');
            String user = decode(c >= 0 ? userInfo.substring(0, c) : userInfo, "the user-info's user");
            if (user.isEmpty()) {
                throw bad("the user-info's user is empty; expected user[:password]@ before the hosts");
            }
            props.setProperty("user", user);
            fromUrl.add("user");
            if (c >= 0) {
                props.setProperty("password", decode(userInfo.substring(c + 1), "the user-info's password"));
                fromUrl.add("password");
            }
        }
        if (query != null) {
            options(query, fromUrl, lb, props);
        }
        List<LbUrl.Host> hosts = hosts(authority);
        return new LbUrl(sub, hosts, database, lb, props);
    }

    private static String database(String path) throws SQLException {
        if (path == null || path.isEmpty()) {
            return null;
        }
        if (path.indexOf('@') >= 0) {
            throw bad("the database holds a raw '@': is it a password written with a raw '/' or '?'?" + ENCODE);
        }
        if (path.indexOf('/') >= 0) {
            throw bad("the database holds a raw '/'" + ENCODE);
        }
        String db = decode(path, "the database");
        if (!DATABASE.matcher(db).matches()) {
            throw bad("the database must be 1 to 64 of the characters A-Z a-z 0-9 _ $ -");
        }
        return db;
    }

    private static void options(String query, Set<String> fromUrl, Map<String, String> lb, Properties props)
            throws SQLException {
        String[] pairs = query.split("&", -1);
        for (int n = 0; n < pairs.length; n++) {
            String pair = pairs[n];
            if (pair.isEmpty()) {
                continue; // "a=1&&b=2" and a trailing '&' hold no option
            }
            int eq = pair.indexOf('=');
            String key = eq >= 0 ? pair.substring(0, eq) : pair;
            if (!OPTION_NAME.matcher(key).matches()) {
                throw bad("option #" + (n + 1) + " has no valid name; expected key=value with a key of letters, digits,"
                        + " '.', '_' and '-' (a password with a raw '?' or '/' in the user-info looks like this)" + ENCODE);
            }
            String name = "option " + key;
            if (!fromUrl.add(key)) {
                throw bad(name + " is given twice in the URL (user and password count once as user-info)");
            }
            String value = eq >= 0 ? decode(pair.substring(eq + 1), name) : "";
            put(key, value, lb, props);
        }
    }

    private static void put(String key, String value, Map<String, String> lb, Properties props) {
        if (key.startsWith("lb.")) {
            lb.put(key, value);
        } else {
            props.setProperty(key, value);
        }
    }

    private static List<LbUrl.Host> hosts(String authority) throws SQLException {
        if (authority.isEmpty()) {
            throw bad("no host; expected " + SHAPE);
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
                parts.add(authority.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(authority.substring(start));
        List<LbUrl.Host> hosts = new ArrayList<>();
        boolean anyTyped = false;
        for (int n = 0; n < parts.size(); n++) {
            String p = parts.get(n);
            String part = "host #" + (n + 1);
            if (p.isEmpty()) {
                throw bad(part + " is empty");
            }
            LbUrl.Host h = p.regionMatches(true, 0, "address=", 0, 8) ? address(p.substring(8), part) : hostPort(p, part);
            anyTyped |= h.primary();
            hosts.add(h);
        }
        if (anyTyped) {
            long primaries = hosts.stream().filter(LbUrl.Host::primary).count();
            if (primaries != 1) {
                throw bad(primaries + " hosts have type=primary; exactly one must");
            }
            List<LbUrl.Host> ordered = new ArrayList<>();
            hosts.stream().filter(LbUrl.Host::primary).forEach(ordered::add);
            hosts.stream().filter(h -> !h.primary()).forEach(ordered::add);
            hosts = ordered;
        } else {
            LbUrl.Host first = hosts.get(0);
            hosts.set(0, new LbUrl.Host(first.host(), first.port(), true));
        }
        for (int i = 0; i < hosts.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (hosts.get(i).address().equalsIgnoreCase(hosts.get(j).address())) {
                    throw bad("host #" + (i + 1) + " repeats host #" + (j + 1));
                }
            }
        }
        return List.copyOf(hosts);
    }

    /** {@code [ipv6]}, {@code [ipv6]:port}, {@code host} or {@code host:port}. */
    private static LbUrl.Host hostPort(String p, String part) throws SQLException {
        String host;
        String port = null;
        if (p.startsWith("[")) {
            int close = p.indexOf(']');
            if (close < 0) {
                throw bad("unclosed '[' in " + part + "; expected [ipv6] or [ipv6]:port");
            }
            host = p.substring(1, close);
            String after = p.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(part + " has text after ']'; expected [ipv6] or [ipv6]:port");
                }
                port = after.substring(1);
            }
            if (!HostNames.isIpv6Literal(host)) {
                throw bad(part + " is not an IPv6 literal inside its brackets");
            }
        } else {
            int c = p.indexOf(':');
            host = c >= 0 ? p.substring(0, c) : p;
            port = c >= 0 ? p.substring(c + 1) : null;
            checkHost(host, part);
        }
        return new LbUrl.Host(host, port(port, part), false);
    }

    /** Connector/J's {@code (host=h)(port=3306)(type=primary|replica)}, each key at most once. */
    private static LbUrl.Host address(String body, String part) throws SQLException {
        Map<String, String> kv = new LinkedHashMap<>();
        int i = 0;
        int item = 0;
        while (i < body.length()) {
            item++;
            int close = body.indexOf(')', i);
            String pair = body.charAt(i) == '(' && close > i ? body.substring(i + 1, close) : "(";
            if (pair.indexOf('(') >= 0) {
                throw bad("bad address in " + part + "; expected address=(host=h)(port=3306)(type=primary|replica)");
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? "" : pair.substring(0, eq).toLowerCase(Locale.ROOT);
            if (!key.equals("host") && !key.equals("port") && !key.equals("type")) {
                throw bad("unknown key in item #" + item + " of " + part + "; allowed: (host=..), (port=..), (type=..)");
            }
            if (kv.put(key, pair.substring(eq + 1)) != null) {
                throw bad("key " + key + " is given twice in " + part);
            }
            i = close + 1;
        }
        String type = kv.getOrDefault("type", "replica").toLowerCase(Locale.ROOT);
        if (!type.equals("primary") && !type.equals("replica")) {
            throw bad("type in " + part + " must be primary or replica");
        }
        String host = kv.get("host");
        if (host == null) {
            throw bad("no host in " + part + "; expected address=(host=h)(port=3306)(type=primary|replica)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!HostNames.isIpv6Literal(host)) {
                throw bad(part + " is not an IPv6 literal inside its brackets");
            }
        } else if (!HostNames.isIpv6Literal(host)) {
            checkHost(host, part);
        }
        return new LbUrl.Host(host, port(kv.get("port"), part), type.equals("primary"));
    }

    private static void checkHost(String host, String part) throws SQLException {
        if (host.isEmpty()) {
            throw bad(part + " has no host name");
        }
        if (!HostNames.isIpv4Literal(host) && !HostNames.isDnsName(host)) {
            throw bad(part + " is not " + HostNames.ALLOWED + " (an IPv6 literal goes in brackets)");
        }
    }

    private static int port(String port, String part) throws SQLException {
        if (port == null) {
            return LbUrl.DEFAULT_PORT;
        }
        int value = 0;
        boolean ok = !port.isEmpty() && port.length() <= 5;
        for (int i = 0; ok && i < port.length(); i++) {
            char c = port.charAt(i);
            ok = c >= '0' && c <= '9';
            value = value * 10 + (c - '0');
        }
        if (!ok || value < 1 || value > 65535) {
            throw bad("port of " + part + " must be a number from 1 to 65535");
        }
        return value;
    }

    /** Strict percent-decoding: {@code %} and two hex digits, the bytes UTF-8; {@code +} is a plus. */
    static String decode(String s, String part) throws SQLException {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0 || !isAsciiHex(s.charAt(i + 1)) || !isAsciiHex(s.charAt(i + 2))) {
                    throw bad("bad percent-encoding in " + part + "; expected '%' and two hex digits");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.write(c); // printable ASCII, checked before
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw bad("bad percent-encoding in " + part + "; the bytes are not UTF-8");
        }
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
