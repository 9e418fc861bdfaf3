package io.lb4j.okhttp;

import java.time.Duration;
import java.util.Locale;

/** Argument checks whose messages name the property, the value and what is allowed. Internal. */
final class Checks {
    private Checks() {
    }

    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    static int inRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    static double inRange(String field, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    static Duration inRange(String field, Duration value, Duration min, Duration max) {
        notNull(field, value);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    /** An RFC 7230 token (cookie or header name): letters, digits and {@code !#$%&'*+-.^_`|~}. */
    static String token(String field, String value, String what) {
        notNull(field, value);
        if (value.isEmpty() || !value.chars().allMatch(Checks::tokenChar)) {
            throw new IllegalArgumentException(field + " must be " + what + ", was " + quote(value));
        }
        return value;
    }

    private static boolean tokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }

    /**
     * Validates and normalises (lower case) a logical host name: RFC 1123 labels of 1 to 63 letters,
     * digits and hyphens, not starting or ending with a hyphen, at most 253 characters, and not an IP
     * address (the last label must not be all digits).
     */
    static String hostname(String field, String value) {
        notNull(field, value);
        String host = value.toLowerCase(Locale.ROOT);
        String why = hostnameProblem(host);
        if (why != null) {
            throw new IllegalArgumentException(field + " must be a valid host name (RFC 1123 labels of letters, digits"
                    + " and '-', not an IP address), was " + quote(value) + ": " + why);
        }
        return host;
    }

    private static String hostnameProblem(String host) {
        if (host.isEmpty()) {
            return "empty";
        }
        if (host.length() > 253) {
            return "longer than 253 characters";
        }
        String[] labels = host.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty()) {
                return "empty label";
            }
            if (label.length() > 63) {
                return "label longer than 63 characters";
            }
            if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
                return "label starts or ends with '-'";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    return "character '" + c + "' not allowed";
                }
            }
        }
        String last = labels[labels.length - 1];
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return "looks like an IP address";
        }
        return null;
    }
}
