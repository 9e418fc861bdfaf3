package io.lb4j.pool;

/**
 * One member's passive health (outlier detection): learns from the outcomes of real calls and says
 * whether the member should be out of rotation. Made by {@link PassiveHealth#newTracker}; the pool
 * decides what the verdict means (a {@link Verdict#HARD hard} ejection is never limited by the
 * max-ejection cap, an {@link Verdict#OUTLIER outlier} ejection is).
 *
 * <p>Thread-safety: outcome methods are called concurrently by completing callers; {@link #advance},
 * {@link #restore} and the reads are called by the pool under its update lock. Implementations report
 * every change they make by themselves through their {@link Listener} (never while holding their own lock).
 */
interface PassiveTracker {

    /** What the tracker wants for its member. */
    enum Verdict {
        /** In rotation. */
        NONE,
        /** Ejected for looking bad (failure rate, errors): limited by the max-ejection cap. */
        OUTLIER,
        /** Ejected because calls could not even connect: out whatever the cap says. */
        HARD
    }

    /** Told of every change the tracker makes on its own (an ejection, a successful trial): the pool republishes. */
    @FunctionalInterface
    interface Listener {
        void changed(String reason);
    }

    void onSuccess(long latencyNanos, long now);

    void onFailure(Throwable cause, long latencyNanos, long now);

    /** A dropped call; {@code permitted} when it held a trial permit (half-open) that must be given back. */
    void onDrop(boolean permitted);

    /** Applies time-driven transitions (the end of an ejection) due at {@code now}. Under the pool lock. */
    void advance(long now);

    /** The next time {@link #advance} has something to do, or {@link Long#MAX_VALUE} for none. */
    long deadline(long now);

    Verdict verdict();

    /** When the current ejection began (orders outlier ejections under the cap). */
    long ejectedSince();

    /** Why the member is ejected, or why it was last restored. */
    String reason();

    /**
     * Ends an ejection because active health checks passed {@code rise} times since it began (HAProxy
     * {@code check} + {@code observe}). Under the pool lock.
     *
     * @return whether an ejection was ended
     */
    boolean restore(long now);

    /** Whether picks of this member must take a trial permit first (a half-open circuit breaker). */
    default boolean gated() {
        return false;
    }

    /** Takes a trial permit; only meaningful when {@link #gated()}. */
    default boolean tryAcquirePermission() {
        return true;
    }

    /** Gives back a trial permit taken by {@link #tryAcquirePermission()} for a call that did not happen. */
    default void releasePermission() {
    }

    /** The tracker of {@link PassiveHealth#disabled()}: never ejects. Stateless. */
    PassiveTracker NONE = new PassiveTracker() {
        @Override
        public void onSuccess(long latencyNanos, long now) {
        }

        @Override
        public void onFailure(Throwable cause, long latencyNanos, long now) {
        }

        @Override
        public void onDrop(boolean permitted) {
        }

        @Override
        public void advance(long now) {
        }

        @Override
        public long deadline(long now) {
            return Long.MAX_VALUE;
        }

        @Override
        public Verdict verdict() {
            return Verdict.NONE;
        }

        @Override
        public long ejectedSince() {
            return Long.MAX_VALUE;
        }

        @Override
        public String reason() {
            return "passive health disabled";
        }

        @Override
        public boolean restore(long now) {
            return false;
        }
    };
}
