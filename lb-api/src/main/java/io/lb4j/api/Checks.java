package io.lb4j.api;

import java.time.Duration;

/** Argument checks whose messages name the field, the value and what is allowed. Internal to lb4j. */
final class Checks {
    private Checks() {
    }

    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    static String notBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was " + quote(value));
        }
        return value;
    }

    static int inRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    static Duration positive(String field, Duration value) {
        notNull(field, value);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
        }
        return value;
    }

    static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
