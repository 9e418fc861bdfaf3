package io.lb4j.jdbc;

import java.time.Duration;
import java.util.Objects;

/**
 * Read-your-writes consistency for {@link ReplicaRoutingDataSource}: after a write is committed on the
 * primary, the reads of the same {@linkplain Scope scope} must see it.
 * <ul>
 *   <li>{@link #off()} (default): reads go to any eligible replica, however far behind (within maxLag).</li>
 *   <li>{@link #gtid(Duration)} ({@code lb.readYourWrites=session}): after a commit that wrote, the routing
 *       reads the transaction's GTID on the primary (MariaDB {@code SELECT @@last_gtid}, MySQL
 *       {@code @@gtid_executed}) and, before the next read on a replica, waits for the replica to apply it
 *       ({@code MASTER_GTID_WAIT(gtid, timeout)} / {@code WAIT_FOR_EXECUTED_GTID_SET(set, timeout)}); when the
 *       wait times out or fails, the read goes to the primary.</li>
 *   <li>{@link #timeWindow(Duration)} ({@code lb.readYourWrites=2s}): reads within the window after a
 *       committed write go to the primary. Needs no GTIDs; the window must exceed the replicas' lag.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class ReadYourWrites {
    /** Default GTID wait on a replica before falling back to the primary: 1 second. */
    public static final Duration DEFAULT_GTID_WAIT = Duration.ofSeconds(1);

    /** Whose writes a read must see. */
    public enum Scope {
        /** The writes committed through the same logical connection (default). */
        CONNECTION,
        /** The writes committed by the same thread through this data source, over any connection (Spring's
         *  one connection per transaction). */
        THREAD
    }

    enum Mode { OFF, GTID, TIME_WINDOW }

    private static final ReadYourWrites OFF = new ReadYourWrites(Mode.OFF, Duration.ZERO, Scope.CONNECTION);

    private final Mode mode;
    private final Duration duration;
    private final Scope scope;

    private ReadYourWrites(Mode mode, Duration duration, Scope scope) {
        this.mode = mode;
        this.duration = duration;
        this.scope = scope;
    }

    /** No read-your-writes guarantee. */
    public static ReadYourWrites off() {
        return OFF;
    }

    /** GTID-based, waiting up to {@code wait} (1 ms to 1 hour) on a replica, connection scope. */
    public static ReadYourWrites gtid(Duration wait) {
        return new ReadYourWrites(Mode.GTID, checkDuration("readYourWrites GTID wait", wait), Scope.CONNECTION);
    }

    /** Reads within {@code window} (1 ms to 1 hour) after a committed write go to the primary; connection scope. */
    public static ReadYourWrites timeWindow(Duration window) {
        return new ReadYourWrites(Mode.TIME_WINDOW, checkDuration("readYourWrites window", window), Scope.CONNECTION);
    }

    /** A copy with another scope. */
    public ReadYourWrites scope(Scope newScope) {
        if (newScope == null) {
            throw new IllegalArgumentException("readYourWrites scope must not be null (CONNECTION or THREAD)");
        }
        return mode == Mode.OFF ? this : new ReadYourWrites(mode, duration, newScope);
    }

    private static Duration checkDuration(String what, Duration d) {
        if (d == null || d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) { // no toMillis(): it overflows
            throw new IllegalArgumentException(what + " must be in [1ms, 1h], was " + d);
        }
        return d;
    }

    Mode mode() {
        return mode;
    }

    /** Whether read-your-writes is on. */
    public boolean enabled() {
        return mode != Mode.OFF;
    }

    /** The GTID wait, or the time window; zero when off. */
    public Duration duration() {
        return duration;
    }

    /** Whose writes a read must see: the same connection's or the session's. */
    public Scope scope() {
        return scope;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadYourWrites && ((ReadYourWrites) o).mode == mode
                && ((ReadYourWrites) o).duration.equals(duration) && ((ReadYourWrites) o).scope == scope;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, duration, scope);
    }

    @Override
    public String toString() {
        switch (mode) {
            case GTID:
                return "ReadYourWrites[gtid wait=" + duration + " scope=" + scope + "]";
            case TIME_WINDOW:
                return "ReadYourWrites[window=" + duration + " scope=" + scope + "]";
            default:
                return "ReadYourWrites[off]";
        }
    }
}
