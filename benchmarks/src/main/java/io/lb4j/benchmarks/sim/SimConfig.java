package io.lb4j.benchmarks.sim;

import io.lb4j.pool.PoolConfig;

/**
 * The shape of one simulated system: how many servers, how fast they serve, how hard they are
 * loaded, for how long, and the seed. Immutable; build with {@link #custom()} or take
 * {@link #ofDefaults()}. Every setter validates at once and names the property, the value and the
 * allowed range.
 */
public final class SimConfig {
    /** Ten servers. */
    public static final int DEFAULT_SERVERS = 10;
    /** One worker per server: each server is a FIFO single-server queue. */
    public static final int DEFAULT_WORKERS = 1;
    /** Mean service time: 10 ms. */
    public static final double DEFAULT_MEAN_SERVICE_MILLIS = 10.0;
    /** Offered load: 70% of the healthy cluster's capacity. */
    public static final double DEFAULT_UTILISATION = 0.7;
    /** Virtual run time: 120 s (about 84,000 requests at the defaults). */
    public static final double DEFAULT_DURATION_SECONDS = 120.0;
    /** Requests arriving in the first 5 virtual seconds are not counted. */
    public static final double DEFAULT_WARMUP_SECONDS = 5.0;
    /** Log-normal shape parameter sigma (used only with {@link Distribution#LOG_NORMAL}). */
    public static final double DEFAULT_LOG_NORMAL_SIGMA = 1.0;
    /** The default seed. */
    public static final long DEFAULT_SEED = 42L;

    /** The service-time distribution of every server, around its mean. */
    public enum Distribution {
        /** Exponential (memoryless; with one worker a server is an M/M/1 queue). */
        EXPONENTIAL,
        /** Log-normal with the same mean and shape {@link SimConfig#logNormalSigma()}: heavier tail. */
        LOG_NORMAL
    }

    private static final SimConfig DEFAULTS = custom().build();

    private final int servers;
    private final int workersPerServer;
    private final double meanServiceMillis;
    private final Distribution distribution;
    private final double logNormalSigma;
    private final double utilisation;
    private final double durationSeconds;
    private final double warmupSeconds;
    private final long seed;
    private final PoolConfig poolConfig;

    private SimConfig(Builder b) {
        this.servers = b.servers;
        this.workersPerServer = b.workersPerServer;
        this.meanServiceMillis = b.meanServiceMillis;
        this.distribution = b.distribution;
        this.logNormalSigma = b.logNormalSigma;
        this.utilisation = b.utilisation;
        this.durationSeconds = b.durationSeconds;
        this.warmupSeconds = b.warmupSeconds;
        this.seed = b.seed;
        this.poolConfig = b.poolConfig;
    }

    public static SimConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder custom() {
        return new Builder();
    }

    public int servers() {
        return servers;
    }

    public int workersPerServer() {
        return workersPerServer;
    }

    public double meanServiceMillis() {
        return meanServiceMillis;
    }

    public Distribution distribution() {
        return distribution;
    }

    public double logNormalSigma() {
        return logNormalSigma;
    }

    public double utilisation() {
        return utilisation;
    }

    public double durationSeconds() {
        return durationSeconds;
    }

    public double warmupSeconds() {
        return warmupSeconds;
    }

    public long seed() {
        return seed;
    }

    /** The pool configuration every simulated pool is built with (default: {@link PoolConfig#ofDefaults()}). */
    public PoolConfig poolConfig() {
        return poolConfig;
    }

    /** Requests per second that load the healthy cluster to {@link #utilisation()}. */
    public double arrivalRatePerSecond() {
        return utilisation * servers * workersPerServer * 1000.0 / meanServiceMillis;
    }

    @Override
    public String toString() {
        return "SimConfig[servers=" + servers + ", workers=" + workersPerServer + ", meanService="
                + meanServiceMillis + "ms " + distribution
                + (distribution == Distribution.LOG_NORMAL ? "(sigma=" + logNormalSigma + ")" : "")
                + ", utilisation=" + utilisation + ", duration=" + durationSeconds + "s, warmup=" + warmupSeconds
                + "s, seed=" + seed + "]";
    }

    /** Builds a {@link SimConfig}. Not thread-safe. */
    public static final class Builder {
        private int servers = DEFAULT_SERVERS;
        private int workersPerServer = DEFAULT_WORKERS;
        private double meanServiceMillis = DEFAULT_MEAN_SERVICE_MILLIS;
        private Distribution distribution = Distribution.EXPONENTIAL;
        private double logNormalSigma = DEFAULT_LOG_NORMAL_SIGMA;
        private double utilisation = DEFAULT_UTILISATION;
        private double durationSeconds = DEFAULT_DURATION_SECONDS;
        private double warmupSeconds = DEFAULT_WARMUP_SECONDS;
        private long seed = DEFAULT_SEED;
        private PoolConfig poolConfig = PoolConfig.ofDefaults();

        private Builder() {
        }

        /** 1 to 1000 servers. */
        public Builder servers(int servers) {
            if (servers < 1 || servers > 1000) {
                throw new IllegalArgumentException("servers must be in [1, 1000], was " + servers);
            }
            this.servers = servers;
            return this;
        }

        /** 1 to 256 concurrent workers per server. */
        public Builder workersPerServer(int workers) {
            if (workers < 1 || workers > 256) {
                throw new IllegalArgumentException("workersPerServer must be in [1, 256], was " + workers);
            }
            this.workersPerServer = workers;
            return this;
        }

        /** 0.001 to 60,000 ms. */
        public Builder meanServiceMillis(double millis) {
            if (!(millis >= 0.001 && millis <= 60_000)) {
                throw new IllegalArgumentException("meanServiceMillis must be in [0.001, 60000], was " + millis);
            }
            this.meanServiceMillis = millis;
            return this;
        }

        public Builder distribution(Distribution distribution) {
            if (distribution == null) {
                throw new IllegalArgumentException("distribution must not be null (EXPONENTIAL or LOG_NORMAL)");
            }
            this.distribution = distribution;
            return this;
        }

        /** 0.05 to 3. */
        public Builder logNormalSigma(double sigma) {
            if (!(sigma >= 0.05 && sigma <= 3)) {
                throw new IllegalArgumentException("logNormalSigma must be in [0.05, 3], was " + sigma);
            }
            this.logNormalSigma = sigma;
            return this;
        }

        /** Strictly between 0 and 1 (0.01 to 0.99). */
        public Builder utilisation(double utilisation) {
            if (!(utilisation >= 0.01 && utilisation <= 0.99)) {
                throw new IllegalArgumentException("utilisation must be in [0.01, 0.99], was " + utilisation);
            }
            this.utilisation = utilisation;
            return this;
        }

        /** 0.1 to 86,400 virtual seconds. */
        public Builder durationSeconds(double seconds) {
            if (!(seconds >= 0.1 && seconds <= 86_400)) {
                throw new IllegalArgumentException("durationSeconds must be in [0.1, 86400], was " + seconds);
            }
            this.durationSeconds = seconds;
            return this;
        }

        /** 0 to 86,400 virtual seconds; must be shorter than the duration (checked in {@link #build()}). */
        public Builder warmupSeconds(double seconds) {
            if (!(seconds >= 0 && seconds <= 86_400)) {
                throw new IllegalArgumentException("warmupSeconds must be in [0, 86400], was " + seconds);
            }
            this.warmupSeconds = seconds;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder poolConfig(PoolConfig poolConfig) {
            if (poolConfig == null) {
                throw new IllegalArgumentException("poolConfig must not be null");
            }
            this.poolConfig = poolConfig;
            return this;
        }

        /** @throws IllegalArgumentException when the warm-up is not shorter than the run */
        public SimConfig build() {
            if (warmupSeconds >= durationSeconds) {
                throw new IllegalArgumentException("warmupSeconds must be shorter than durationSeconds ("
                        + durationSeconds + "), was " + warmupSeconds);
            }
            return new SimConfig(this);
        }
    }
}
