package io.lb4j.config;

/**
 * nginx 1.22's number and time syntax, as {@code ngx_atoi} and {@code ngx_parse_time} read them (ASCII
 * digits only, 64-bit {@code ngx_int_t} overflow is an error). Stateless and thread-safe.
 */
final class NginxValues {
    /** What {@link #atoi} and {@link #parseTime} return for text nginx refuses. */
    static final long ERROR = -1;

    private static final long CUTOFF = Long.MAX_VALUE / 10;
    private static final long CUTLIM = Long.MAX_VALUE % 10;

    private NginxValues() {
    }

    /** {@code ngx_atoi}: one or more ASCII digits, at most {@link Long#MAX_VALUE}; otherwise {@link #ERROR}. */
    static long atoi(String s) {
        if (s.isEmpty()) {
            return ERROR;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return ERROR;
            }
            if (value >= CUTOFF && (value > CUTOFF || c - '0' > CUTLIM)) {
                return ERROR;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    // the steps of ngx_parse_time, in the order units must appear
    private static final int ST_START = 0;
    private static final int ST_YEAR = 1;
    private static final int ST_MONTH = 2;
    private static final int ST_WEEK = 3;
    private static final int ST_DAY = 4;
    private static final int ST_HOUR = 5;
    private static final int ST_MIN = 6;
    private static final int ST_SEC = 7;
    private static final int ST_MSEC = 8;
    private static final int ST_LAST = 9;

    /**
     * {@code ngx_parse_time(line, is_sec)}: numbers each followed by a unit, units in decreasing order
     * ({@code y M w d h m s}, and {@code ms} only when {@code isSec} is false), a trailing number without a
     * unit counting as seconds when {@code isSec} and as milliseconds otherwise (so {@code 1s30} is 31
     * seconds and {@code 1m30} 90); spaces after a unit are skipped ({@code "1m 30s"} is 90 seconds) and a space
     * after a bare number ends it as seconds ({@code "1 30"} is 31, {@code "1 30s"} is refused, as in nginx).
     * A unit without a number before it adds nothing ({@code 1hs} is an hour);
     * at least one digit is needed. Without {@code isSec}, {@code y} and {@code M} are refused, as in nginx.
     *
     * @return the time in seconds ({@code isSec}) or milliseconds, or {@link #ERROR}
     */
    static long parseTime(String s, boolean isSec) {
        boolean valid = false;
        long value = 0;
        long total = 0;
        int step = isSec ? ST_START : ST_MONTH;
        int p = 0;
        int last = s.length();
        while (p < last) {
            char c = s.charAt(p);
            if (c >= '0' && c <= '9') {
                if (value >= CUTOFF && (value > CUTOFF || c - '0' > CUTLIM)) {
                    return ERROR;
                }
                value = value * 10 + (c - '0');
                p++;
                valid = true;
                continue;
            }
            p++;
            long max;
            long scale;
            switch (c) {
                case 'y':
                    if (step > ST_START) {
                        return ERROR;
                    }
                    step = ST_YEAR;
                    scale = 60L * 60 * 24 * 365;
                    break;
                case 'M':
                    if (step >= ST_MONTH) {
                        return ERROR;
                    }
                    step = ST_MONTH;
                    scale = 60L * 60 * 24 * 30;
                    break;
                case 'w':
                    if (step >= ST_WEEK) {
                        return ERROR;
                    }
                    step = ST_WEEK;
                    scale = 60L * 60 * 24 * 7;
                    break;
                case 'd':
                    if (step >= ST_DAY) {
                        return ERROR;
                    }
                    step = ST_DAY;
                    scale = 60L * 60 * 24;
                    break;
                case 'h':
                    if (step >= ST_HOUR) {
                        return ERROR;
                    }
                    step = ST_HOUR;
                    scale = 60L * 60;
                    break;
                case 'm':
                    if (p < last && s.charAt(p) == 's') {
                        if (isSec || step >= ST_MSEC) {
                            return ERROR;
                        }
                        p++;
                        step = ST_MSEC;
                        scale = 1;
                        break;
                    }
                    if (step >= ST_MIN) {
                        return ERROR;
                    }
                    step = ST_MIN;
                    scale = 60;
                    break;
                case 's':
                    if (step >= ST_SEC) {
                        return ERROR;
                    }
                    step = ST_SEC;
                    scale = 1;
                    break;
                case ' ':
                    if (step >= ST_SEC) {
                        return ERROR;
                    }
                    step = ST_LAST;
                    scale = 1;
                    break;
                default:
                    return ERROR;
            }
            max = Long.MAX_VALUE / scale;
            if (step != ST_MSEC && !isSec) {
                scale *= 1000;
                max /= 1000;
            }
            if (value > max) {
                return ERROR;
            }
            value *= scale;
            if (total > Long.MAX_VALUE - value) {
                return ERROR;
            }
            total += value;
            value = 0;
            while (p < last && s.charAt(p) == ' ') {
                p++;
            }
        }
        if (!valid) {
            return ERROR;
        }
        if (!isSec) {
            if (value > Long.MAX_VALUE / 1000) {
                return ERROR;
            }
            value *= 1000;
        }
        if (total > Long.MAX_VALUE - value) {
            return ERROR;
        }
        return total + value;
    }

    /**
     * Why nginx's {@code ngx_http_script_compile} refuses {@code value} as a complex value (such as a
     * {@code hash} key), or null when its syntax is valid: each {@code $} must be followed by a capture digit
     * {@code 1}-{@code 9}, a name of ASCII letters, digits and {@code _}, or such a name in braces
     * ({@code ${name}}). Whether a named variable exists depends on the rest of the nginx configuration
     * ({@code map}, {@code set}, modules), so it is not checked here.
     */
    static String complexValueProblem(String value) {
        int i = 0;
        int n = value.length();
        while (i < n) {
            if (value.charAt(i) != '$') {
                i++;
                continue;
            }
            if (++i == n) {
                return "a '$' at the end is not followed by a variable name";
            }
            char c = value.charAt(i);
            if (c >= '1' && c <= '9') {
                i++;
                continue;
            }
            boolean bracket = c == '{';
            if (bracket && ++i == n) {
                return "a '${' at the end is not followed by a variable name";
            }
            int start = i;
            int end = -1;
            while (i < n) {
                char ch = value.charAt(i);
                if (ch == '}' && bracket) {
                    end = i;
                    i++;
                    bracket = false;
                    break;
                }
                if (!isNameChar(ch)) {
                    break;
                }
                i++;
            }
            if (bracket) {
                return "the closing '}' of variable " + NginxLexer.quote("${" + value.substring(start, i)) + " is missing";
            }
            if ((end < 0 ? i : end) == start) {
                return "a '$' is not followed by a variable name";
            }
        }
        return null;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    /**
     * {@code ngx_inet_addr}: whether nginx reads {@code s} as an IPv4 address: decimal octets up to 255 and
     * exactly three dots, an empty octet counting as 0 ({@code 1..2.3} is 1.0.2.3; leading zeros are decimal).
     */
    static boolean isNginxInetAddr(String s) {
        int octet = 0;
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                octet = octet * 10 + (c - '0');
                if (octet > 255) {
                    return false;
                }
            } else if (c == '.') {
                octet = 0;
                dots++;
            } else {
                return false;
            }
        }
        return dots == 3;
    }

    /**
     * {@code ngx_inet6_addr}: whether nginx reads {@code s} (the text between brackets) as an IPv6 address.
     * Stricter than RFC 4291 in one place: a trailing {@code ::} that stands for a single group
     * ({@code 1:2:3:4:5:6:7::}) is refused. An embedded IPv4 part is read by {@link #isNginxInetAddr}.
     */
    static boolean isNginxInet6Addr(String s) {
        int len = s.length();
        if (len == 0) {
            return false;
        }
        int p = 0;
        boolean zero = false;
        int digit = -1;
        int nibbles = 0;
        int n = 8;
        if (s.charAt(0) == ':') {
            p++;
        }
        boolean ipv4 = false;
        for (; p < len; p++) {
            char c = s.charAt(p);
            if (c == ':') {
                if (nibbles != 0) {
                    digit = p + 1;
                    if (--n != 0) {
                        nibbles = 0;
                        continue;
                    }
                } else if (!zero) {
                    digit = p + 1;
                    zero = true;
                    continue;
                }
                return false;
            }
            if (c == '.' && nibbles != 0) {
                if (n < 2 || digit < 0 || !isNginxInetAddr(s.substring(digit))) {
                    return false;
                }
                n--;
                ipv4 = true;
                break;
            }
            if (++nibbles > 4) {
                return false;
            }
            char lower = (char) (c | 0x20);
            if (!(c >= '0' && c <= '9') && !(lower >= 'a' && lower <= 'f')) {
                return false;
            }
        }
        if (!ipv4 && nibbles == 0 && !zero) {
            return false;
        }
        return --n != 0 ? zero : !zero;
    }
}
