package io.lb4j.algorithms;

/**
 * Immutable settings of the consistent-hashing strategies {@link DestinationHash} and
 * {@link SourceHash}: which table to build (Maglev or a ketama ring) and its size.
 *
 * <pre>{@code
 * HashingConfig config = HashingConfig.custom()
 *         .table(HashingConfig.Table.KETAMA)
 *         .ketamaPointsPerWeight(160)      // nginx "hash $key consistent"
 *         .build();
 * Strategy strategy = new DestinationHash(config);
 * }</pre>
 *
 * <p>Every setter of the builder validates its argument at once; the message names the property,
 * the bad value and the allowed range. Nothing is silently corrected.
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 */
public final class HashingConfig {

    /** The lookup structure a hashing strategy builds for each eligible set. */
    public enum Table {
        /**
         * Maglev (Eisenbud et al., NSDI 2016, section 3.4): a prime-sized table filled from per-server
         * permutations; O(1) lookup, near-perfect balance, small disruption on membership change.
         */
        MAGLEV,
        /**
         * A ketama ring (libketama, nginx {@code hash $key consistent}): points on a 64-bit circle
         * derived from each server id; O(log points) lookup, strictly minimal disruption (a change
         * moves only the keys of the server that joined or left).
         */
        KETAMA
    }

    /** Default table: {@link Table#MAGLEV}. */
    public static final Table DEFAULT_TABLE = Table.MAGLEV;
    /** Default Maglev table size (slots, a prime): 65537, as recommended by the Maglev paper. */
    public static final int DEFAULT_MAGLEV_TABLE_SIZE = 65_537;
    /** Smallest Maglev table size accepted (slots, a prime). */
    public static final int MIN_MAGLEV_TABLE_SIZE = 1_021;
    /** Largest Maglev table size accepted (slots, a prime): about 20 MB of table. */
    public static final int MAX_MAGLEV_TABLE_SIZE = 5_000_011;
    /**
     * Default ketama points per unit of weight: 1024, so that with 100 equal servers the relative
     * standard deviation of the key space each owns is about 1/sqrt(1024) = 3% (nginx uses 160,
     * about 8%).
     */
    public static final int DEFAULT_KETAMA_POINTS_PER_WEIGHT = 1_024;
    /** Largest ketama points per unit of weight accepted. */
    public static final int MAX_KETAMA_POINTS_PER_WEIGHT = 65_536;
    /**
     * Default cap on the number of ring points: 1,048,576 (12 MB of ring). When
     * {@code pointsPerWeight × Σ weight} exceeds it, every server's point count is scaled down by the
     * same factor (each keeps at least one point).
     */
    public static final int DEFAULT_KETAMA_MAX_POINTS = 1 << 20;
    /** Smallest cap on the number of ring points accepted. */
    public static final int MIN_KETAMA_MAX_POINTS = 1_024;
    /** Largest cap on the number of ring points accepted (16,777,216). */
    public static final int MAX_KETAMA_MAX_POINTS = 1 << 24;

    private static final HashingConfig DEFAULTS = custom().build();

    private final Table table;
    private final int maglevTableSize;
    private final int ketamaPointsPerWeight;
    private final int ketamaMaxPoints;

    private HashingConfig(Builder b) {
        this.table = b.table;
        this.maglevTableSize = b.maglevTableSize;
        this.ketamaPointsPerWeight = b.ketamaPointsPerWeight;
        this.ketamaMaxPoints = b.ketamaMaxPoints;
    }

    /** The defaults: Maglev with 65537 slots. */
    public static HashingConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s settings. */
    public static Builder from(HashingConfig base) {
        EndpointArrays.notNull("base", base);
        Builder b = new Builder();
        b.table = base.table;
        b.maglevTableSize = base.maglevTableSize;
        b.ketamaPointsPerWeight = base.ketamaPointsPerWeight;
        b.ketamaMaxPoints = base.ketamaMaxPoints;
        return b;
    }

    /** The lookup table: Maglev (O(1) per pick) or a ketama ring (O(log n)). */
    public Table table() {
        return table;
    }

    /** Slots of the Maglev table (a prime). */
    public int maglevTableSize() {
        return maglevTableSize;
    }

    /** Ring points per unit of weight (a server of weight 1 gets this many points). */
    public int ketamaPointsPerWeight() {
        return ketamaPointsPerWeight;
    }

    /** Cap on the total number of ring points. */
    public int ketamaMaxPoints() {
        return ketamaMaxPoints;
    }

    @Override
    public String toString() {
        return table == Table.MAGLEV
                ? "HashingConfig[MAGLEV, tableSize=" + maglevTableSize + "]"
                : "HashingConfig[KETAMA, pointsPerWeight=" + ketamaPointsPerWeight + ", maxPoints="
                        + ketamaMaxPoints + "]";
    }

    /** Builds a {@link HashingConfig}. Not thread-safe. */
    public static final class Builder {
        private Table table = DEFAULT_TABLE;
        private int maglevTableSize = DEFAULT_MAGLEV_TABLE_SIZE;
        private int ketamaPointsPerWeight = DEFAULT_KETAMA_POINTS_PER_WEIGHT;
        private int ketamaMaxPoints = DEFAULT_KETAMA_MAX_POINTS;

        private Builder() {
        }

        /** The lookup structure; default {@link HashingConfig#DEFAULT_TABLE}. */
        public Builder table(Table table) {
            this.table = EndpointArrays.notNull("table", table);
            return this;
        }

        /**
         * Maglev table slots: a prime in [{@value HashingConfig#MIN_MAGLEV_TABLE_SIZE}, {@value HashingConfig#MAX_MAGLEV_TABLE_SIZE}];
         * default {@value HashingConfig#DEFAULT_MAGLEV_TABLE_SIZE}. The paper recommends at least 100 slots per server.
         */
        public Builder maglevTableSize(int slots) {
            if (slots < MIN_MAGLEV_TABLE_SIZE || slots > MAX_MAGLEV_TABLE_SIZE) {
                throw new IllegalArgumentException("maglevTableSize must be a prime in [" + MIN_MAGLEV_TABLE_SIZE
                        + ", " + MAX_MAGLEV_TABLE_SIZE + "], was " + slots);
            }
            if (!isPrime(slots)) {
                throw new IllegalArgumentException("maglevTableSize must be a prime in [" + MIN_MAGLEV_TABLE_SIZE
                        + ", " + MAX_MAGLEV_TABLE_SIZE + "], was " + slots + " (not prime)");
            }
            this.maglevTableSize = slots;
            return this;
        }

        /**
         * Ring points per unit of weight, in [1, {@value HashingConfig#MAX_KETAMA_POINTS_PER_WEIGHT}]; default
         * {@value HashingConfig#DEFAULT_KETAMA_POINTS_PER_WEIGHT}.
         */
        public Builder ketamaPointsPerWeight(int points) {
            if (points < 1 || points > MAX_KETAMA_POINTS_PER_WEIGHT) {
                throw new IllegalArgumentException("ketamaPointsPerWeight must be in [1, "
                        + MAX_KETAMA_POINTS_PER_WEIGHT + "], was " + points);
            }
            this.ketamaPointsPerWeight = points;
            return this;
        }

        /**
         * Cap on the ring's points, in [{@value HashingConfig#MIN_KETAMA_MAX_POINTS}, {@value HashingConfig#MAX_KETAMA_MAX_POINTS}];
         * default {@value HashingConfig#DEFAULT_KETAMA_MAX_POINTS}.
         */
        public Builder ketamaMaxPoints(int points) {
            if (points < MIN_KETAMA_MAX_POINTS || points > MAX_KETAMA_MAX_POINTS) {
                throw new IllegalArgumentException("ketamaMaxPoints must be in [" + MIN_KETAMA_MAX_POINTS + ", "
                        + MAX_KETAMA_MAX_POINTS + "], was " + points);
            }
            this.ketamaMaxPoints = points;
            return this;
        }

        /** The immutable settings. */
        public HashingConfig build() {
            return new HashingConfig(this);
        }
    }

    /** Exact primality by trial division (n is at most a few million). */
    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
