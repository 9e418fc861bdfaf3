package io.lb4j.api;

/**
 * The host syntax lb4j accepts wherever a host is configured ({@link Server}, nginx {@code upstream}
 * blocks, {@code jdbc:lb:} URLs): a DNS name, an IPv4 literal or an IPv6 literal. Nothing is resolved;
 * these are syntax checks only, made before a host is resolved, logged or used as a name.
 *
 * <ul>
 *   <li><b>DNS name</b> (RFC 1123 section 2.1): dot-separated labels of ASCII letters, digits and
 *       {@code '-'}, each 1 to {@value #MAX_LABEL_LENGTH} characters, neither starting nor ending with
 *       {@code '-'}; at most {@value #MAX_NAME_LENGTH} characters, not counting one optional trailing
 *       {@code '.'}. The last label must not be all digits (RFC 1123: a name never has the dotted-decimal
 *       form), so {@code 1.2.3.999} is neither a name nor an address. Underscores are not allowed.</li>
 *   <li><b>IPv4 literal</b>: four decimal numbers 0 to 255 separated by {@code '.'}, without leading
 *       zeros ({@code 010.0.0.1} is refused: C's {@code inet_aton} reads it as octal, Java as decimal).</li>
 *   <li><b>IPv6 literal</b> (RFC 4291 section 2.2): eight groups of 1 to 4 hex digits, at most one
 *       {@code ::}, optionally ending in an IPv4 literal; without brackets and without a zone
 *       ({@code %eth0}).</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class HostNames {
    /** Longest DNS name accepted, in characters, without a trailing dot (RFC 1035 section 2.3.4). */
    public static final int MAX_NAME_LENGTH = 253;
    /** Longest DNS label accepted, in characters (RFC 1035 section 2.3.4). */
    public static final int MAX_LABEL_LENGTH = 63;
    /** What a host may be, for messages. */
    public static final String ALLOWED = "a DNS name (RFC 1123: letters, digits and '-' in dot-separated labels of"
            + " 1-63 characters, 253 in all), an IPv4 literal (such as 10.0.0.1) or an IPv6 literal (such as 2001:db8::1,"
            + " without brackets)";
    /** The most characters of a refused value {@link #preview} shows. */
    static final int PREVIEW_LENGTH = 24;

    private HostNames() {
    }

    /** Whether {@code host} is a DNS name, an IPv4 literal or an IPv6 literal (false for null). */
    public static boolean isValid(String host) {
        return isIpv4Literal(host) || isIpv6Literal(host) || isDnsName(host);
    }

    /** Whether {@code s} is a DNS name as described in the class comment (false for null). */
    public static boolean isDnsName(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        int end = s.endsWith(".") ? s.length() - 1 : s.length();
        if (end == 0 || end > MAX_NAME_LENGTH) {
            return false;
        }
        int labelStart = 0;
        boolean lastLabelAllDigits = true;
        for (int i = 0; i <= end; i++) {
            if (i == end || s.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0 || len > MAX_LABEL_LENGTH || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                if (i == end) {
                    return !lastLabelAllDigits;
                }
                labelStart = i + 1;
                lastLabelAllDigits = true;
                continue;
            }
            char c = s.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            if (!digit && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '-') {
                return false;
            }
            lastLabelAllDigits &= digit;
        }
        return false; // not reached
    }

    /** Whether {@code s} is a dotted-quad IPv4 literal without leading zeros (false for null). */
    public static boolean isIpv4Literal(String s) {
        return s != null && ipv4(s, 0, s.length());
    }

    private static boolean ipv4(String s, int from, int to) {
        int parts = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
                return false;
            }
            parts++;
            if (parts == 4) {
                return i == to;
            }
            if (i == to || s.charAt(i) != '.') {
                return false;
            }
            i++;
        }
    }

    /** Whether {@code s} is an IPv6 literal without brackets or zone (false for null). */
    public static boolean isIpv6Literal(String s) {
        if (s == null || s.length() < 2 || s.length() > 45 || s.indexOf(':') < 0) {
            return false;
        }
        int n = s.length();
        int groups = 0;
        boolean compressed = false;
        int i = 0;
        if (s.startsWith("::")) {
            compressed = true;
            i = 2;
            if (i == n) {
                return true;
            }
        } else if (s.charAt(0) == ':') {
            return false;
        }
        while (i < n) {
            int start = i;
            while (i < n && hex(s.charAt(i))) {
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // an embedded IPv4 literal ends the address and stands for two groups
                return ipv4(s, start, n) && (compressed ? groups + 2 <= 7 : groups + 2 == 8);
            }
            int len = i - start;
            if (len == 0 || len > 4) {
                return false;
            }
            groups++;
            if (i == n) {
                break;
            }
            // s.charAt(i) is ':' here, or the address is invalid
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return false; // a single trailing ':'
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * A short, escaped, quoted prefix of {@code value} for an error message: at most
     * {@value #PREVIEW_LENGTH} characters, anything outside printable ASCII (and {@code '} and {@code \})
     * written as {@code \}{@code uXXXX}, with the total length when it was cut. Never use it on a value
     * that may hold a secret.
     */
    public static String preview(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("'");
        int shown = Math.min(value.length(), PREVIEW_LENGTH);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        sb.append('\'');
        if (shown < value.length()) {
            sb.append("... (").append(value.length()).append(" characters)");
        }
        return sb.toString();
    }
}
