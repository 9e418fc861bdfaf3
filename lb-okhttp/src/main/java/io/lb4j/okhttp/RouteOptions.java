package io.lb4j.okhttp;

/**
 * Per-route options of a {@link LoadBalancingInterceptor}: whether the servers' load reports are read
 * from the {@code endpoint-load-metrics} response header, and whether requests are hedged.
 * <pre>{@code
 * LoadBalancingInterceptor.builder()
 *         .route("search", "/", searchPool, RouteOptions.custom().readLoadReports(true)
 *                 .hedging(HedgingConfig.ofDefaults()).build())
 *         .hedgeCallFactory(transportClient)
 *         .build();
 * }</pre>
 * Both are off by default. Immutable and thread-safe; the builder is not thread-safe.
 */
public final class RouteOptions {
    private static final RouteOptions DEFAULTS = custom().build();

    private final boolean readLoadReports;
    private final HedgingConfig hedging;

    private RouteOptions(Builder b) {
        this.readLoadReports = b.readLoadReports;
        this.hedging = b.hedging;
    }

    /** Nothing on: no load reports read, no hedging. */
    public static RouteOptions ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults (no load reports, no hedging). */
    public static Builder custom() {
        return new Builder();
    }

    /** Whether {@code endpoint-load-metrics} response headers are read and given to the pool. */
    public boolean readLoadReports() {
        return readLoadReports;
    }

    /** The hedging settings, or null when requests on this route are not hedged. */
    public HedgingConfig hedging() {
        return hedging;
    }

    @Override
    public String toString() {
        return "RouteOptions[readLoadReports=" + readLoadReports + ", hedging=" + (hedging == null ? "off" : hedging) + "]";
    }

    /** Builds {@link RouteOptions}. Not thread-safe. */
    public static final class Builder {
        private boolean readLoadReports;
        private HedgingConfig hedging;

        private Builder() {
        }

        /**
         * Reads each response's {@code endpoint-load-metrics} header (ORCA TEXT or JSON form) and records it on the
         * try's lease ({@link io.lb4j.api.Lease#report}), for strategies that balance by reported load.
         * An invalid header is ignored and counted ({@link LoadBalancingInterceptor#rejectedLoadReports()}).
         */
        public Builder readLoadReports(boolean read) {
            this.readLoadReports = read;
            return this;
        }

        /** Hedges idempotent, replayable requests of this route; null turns hedging off. */
        public Builder hedging(HedgingConfig hedging) {
            this.hedging = hedging;
            return this;
        }

        /** The immutable options. */
        public RouteOptions build() {
            return new RouteOptions(this);
        }
    }
}
