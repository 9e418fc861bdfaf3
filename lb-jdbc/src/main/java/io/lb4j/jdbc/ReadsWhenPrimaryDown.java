package io.lb4j.jdbc;

import java.util.Locale;

/**
 * What read-only work does while the primary is down ({@code lb.readsWhenPrimaryDown}). A replica whose
 * SQL thread runs while its IO thread only reconnects to the lost primary has applied everything it
 * received; its lag is then unknown but bounded (reported as the lag it had plus the time since the
 * primary was lost).
 */
public enum ReadsWhenPrimaryDown {
    /**
     * Default, like MaxScale's {@code master_failure_mode=error_on_write}: while the primary is known down
     * (its probes fail), such replicas keep serving reads whatever {@code maxLag} says; writes fail. While the
     * primary is up but the replica cannot reach it, {@code maxLag} applies to the growing lag.
     */
    SERVE_STALE,
    /** Reads fail too while the primary is down: such replicas fail their health probes. */
    FAIL;

    /** The option value: {@code serve-stale} or {@code fail}. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@code serve-stale} or {@code fail} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static ReadsWhenPrimaryDown parse(String value) {
        if (value != null) {
            for (ReadsWhenPrimaryDown v : values()) {
                if (v.optionValue().equalsIgnoreCase(value.trim())) {
                    return v;
                }
            }
        }
        throw new IllegalArgumentException("readsWhenPrimaryDown must be serve-stale or fail, was "
                + (value == null ? null : "'" + value + "'"));
    }
}
