package io.lb4j.discovery;

import io.lb4j.api.Server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The plain server-list file format: one server per line, the form a config manager or a shell script writes.
 *
 * <pre>
 * # blank lines and comments (from # to the end of the line) are ignored
 * 10.0.0.1:8080
 * 10.0.0.2:8080 weight=3
 * app-3.internal:8080 backup
 * [2001:db8::1]:8080 weight=2 backup
 * </pre>
 *
 * A line is {@code address [weight=N] [backup]}: the address is {@code host:port} (host: letters, digits,
 * {@code .} and {@code -}) or {@code [ipv6]:port}; the port is required (1 to 65535); {@code weight} is 1 to
 * {@link Server#MAX_WEIGHT}; each parameter at most once. Anything else, and the same address twice, is an
 * error whose message starts with {@code line L, column C:}. The server's id is its address.
 *
 * <p>Stateless and thread-safe.
 */
public final class ServerList {
    private ServerList() {
    }

    /**
     * Parses a whole file.
     *
     * @param text the file's content, not null
     * @return the servers in file order, unmodifiable (empty when the file holds none)
     * @throws IllegalArgumentException with {@code line L, column C:} when a line is malformed
     */
    public static List<Server> parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        List<Server> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            Server s = parseLine(content, n + 1);
            if (s != null) {
                if (!ids.add(s.id())) {
                    throw error(n + 1, firstNonBlank(content), "duplicate server " + s.address());
                }
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    private static Server parseLine(String content, int line) {
        int i = firstNonBlank(content);
        if (i > content.length()) {
            return null;
        }
        int end = tokenEnd(content, i - 1);
        String address = content.substring(i - 1, end);
        Server.Builder b = address(address, line, i);
        boolean weight = false;
        boolean backup = false;
        int pos = end;
        while (true) {
            while (pos < content.length() && isBlank(content.charAt(pos))) {
                pos++;
            }
            if (pos >= content.length()) {
                break;
            }
            int tEnd = tokenEnd(content, pos);
            String token = content.substring(pos, tEnd);
            int col = pos + 1;
            if (token.startsWith("weight=") && !weight) {
                String v = token.substring(7);
                int w = number(v, line, col + 7, "weight", 1, Server.MAX_WEIGHT);
                b.weight(w);
                weight = true;
            } else if (token.equals("backup") && !backup) {
                b.backup(true);
                backup = true;
            } else if (token.startsWith("weight=") || token.equals("backup")) {
                throw error(line, col, "duplicate parameter \"" + token + "\"");
            } else {
                throw error(line, col, "unknown parameter \"" + token + "\"; expected weight=N or backup");
            }
            pos = tEnd;
        }
        return b.build();
    }

    private static Server.Builder address(String a, int line, int col) {
        String host;
        String port;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0 || close + 1 >= a.length() || a.charAt(close + 1) != ':') {
                throw error(line, col, "expected [ipv6]:port, found \"" + a + "\"");
            }
            host = a.substring(1, close);
            if (host.isEmpty() || host.indexOf(':') < 0 || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw error(line, col + 1, "invalid IPv6 address \"" + host + "\"");
            }
            port = a.substring(close + 2);
            return Server.builder(host, number(port, line, col + close + 2, "port", 1, 65535));
        }
        int colon = a.lastIndexOf(':');
        if (colon < 0) {
            throw error(line, col, "expected host:port, found \"" + a + "\" (the port is required)");
        }
        host = a.substring(0, colon);
        port = a.substring(colon + 1);
        if (host.isEmpty() || !host.chars().allMatch(c -> (c < 128 && Character.isLetterOrDigit(c)) || c == '.' || c == '-')) {
            throw error(line, col, "invalid host \"" + host + "\"; expected letters, digits, '.' and '-', or [ipv6]");
        }
        return Server.builder(host, number(port, line, col + colon + 1, "port", 1, 65535));
    }

    private static int number(String v, int line, int col, String what, int min, int max) {
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw error(line, col, "invalid " + what + " \"" + v + "\"; expected a number from " + min + " to " + max);
        }
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
            throw error(line, col, what + " " + n + " out of range; expected " + min + " to " + max);
        }
        return n;
    }

    /** 1-based column of the first non-blank character, or length + 1. */
    private static int firstNonBlank(String s) {
        int i = 0;
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return i + 1;
    }

    private static int tokenEnd(String s, int from) {
        int i = from;
        while (i < s.length() && !isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static IllegalArgumentException error(int line, int column, String problem) {
        return new IllegalArgumentException("line " + line + ", column " + column + ": " + problem);
    }
}
