package io.lb4j.algorithms;

import java.time.Duration;

/**
 * Immutable settings of the locality strategies {@link LocalityLeastConnections} (LVS {@code lblc})
 * and {@link LocalityLeastConnectionsReplicated} (LVS {@code lblcr}): how long an idle key is
 * remembered and how many keys the table holds.
 *
 * <pre>{@code
 * LocalityConfig config = LocalityConfig.custom()
 *         .expiry(Duration.ofMinutes(30))
 *         .maxEntries(65_536)
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 */
public final class LocalityConfig {
    /**
     * Default expiry: 24 hours, LVS's {@code lblc_expiration} and {@code lblcr_expiration} sysctls. A key
     * unused for longer is forgotten; for lblcr it is also how long a replicated set must stay
     * unmodified before its most-loaded member is dropped.
     */
    public static final Duration DEFAULT_EXPIRY = Duration.ofHours(24);
    /** Smallest expiry accepted: 1 millisecond. */
    public static final Duration MIN_EXPIRY = Duration.ofMillis(1);
    /** Largest expiry accepted: 365 days. */
    public static final Duration MAX_EXPIRY = Duration.ofDays(365);
    /** Keys per table bucket: the table is 8-way set-associative. maxEntries must be a multiple of it. */
    public static final int WAYS = 8;
    /** Default table capacity in keys: 16384, LVS's {@code max_size} (1024 buckets × 16). */
    public static final int DEFAULT_MAX_ENTRIES = 16_384;
    /** Largest table capacity accepted: 16,777,216 keys. */
    public static final int MAX_MAX_ENTRIES = 1 << 24;

    private static final LocalityConfig DEFAULTS = custom().build();

    private final Duration expiry;
    private final int maxEntries;

    private LocalityConfig(Builder b) {
        this.expiry = b.expiry;
        this.maxEntries = b.maxEntries;
    }

    /** The defaults: expiry 24 h, 16384 entries. */
    public static LocalityConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** How long an unused key is remembered (and, for lblcr, how long a set must be unmodified to shrink). */
    public Duration expiry() {
        return expiry;
    }

    /** The table's capacity in keys. */
    public int maxEntries() {
        return maxEntries;
    }

    @Override
    public String toString() {
        return "LocalityConfig[expiry=" + expiry + ", maxEntries=" + maxEntries + "]";
    }

    /** Builds a {@link LocalityConfig}. Not thread-safe. */
    public static final class Builder {
        private Duration expiry = DEFAULT_EXPIRY;
        private int maxEntries = DEFAULT_MAX_ENTRIES;

        private Builder() {
        }

        /** In [{@link LocalityConfig#MIN_EXPIRY}, {@link LocalityConfig#MAX_EXPIRY}]; default {@link LocalityConfig#DEFAULT_EXPIRY}. */
        public Builder expiry(Duration expiry) {
            EndpointArrays.notNull("expiry", expiry);
            if (expiry.compareTo(MIN_EXPIRY) < 0 || expiry.compareTo(MAX_EXPIRY) > 0) {
                throw new IllegalArgumentException("expiry must be in [" + MIN_EXPIRY + ", " + MAX_EXPIRY
                        + "], was " + expiry);
            }
            this.expiry = expiry;
            return this;
        }

        /**
         * Table capacity: a multiple of {@value LocalityConfig#WAYS} in [{@value LocalityConfig#WAYS}, {@value LocalityConfig#MAX_MAX_ENTRIES}];
         * default {@value LocalityConfig#DEFAULT_MAX_ENTRIES}.
         */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries < WAYS || maxEntries > MAX_MAX_ENTRIES || maxEntries % WAYS != 0) {
                throw new IllegalArgumentException("maxEntries must be a multiple of " + WAYS + " in [" + WAYS
                        + ", " + MAX_MAX_ENTRIES + "], was " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /** The immutable settings. */
        public LocalityConfig build() {
            return new LocalityConfig(this);
        }
    }
}
