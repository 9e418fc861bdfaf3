package io.lb4j.benchmarks.sim;

import io.lb4j.api.ManualTicker;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * {@link TailSimulation}'s virtual time: the ticker the pool and the budgets read, the queue of events in time
 * order (ties broken by scheduling order), the run's end and the fleet-wide slowdown window.
 *
 * <p>Not thread-safe: used by one single-threaded simulation run.
 */
final class TailEvents {
    static final long SECOND = 1_000_000_000L;
    static final long SAMPLE_NANOS = SECOND / 2;
    static final int ARRIVAL = 0, DONE = 1, HEDGE = 2, TIMEOUT = 3, SAMPLE = 4, BACKGROUND = 5, DRAINED = 6;

    /** Something that happens at {@code time}; {@code seq} orders events scheduled for the same time. */
    record Event(long time, long seq, int kind, TailServer server, TailAttempt attempt) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    final ManualTicker ticker = new ManualTicker(SECOND);
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final TailSetup setup;
    /** Virtual nanoseconds at which the run stops scheduling new traffic. */
    final long end;
    private long now;
    private long seq;

    TailEvents(TailSetup setup) {
        this.setup = setup;
        this.end = (long) (setup.durationSeconds() * SECOND);
    }

    /** The current virtual time in nanoseconds. */
    long now() {
        return now;
    }

    void schedule(long time, int kind, TailServer server, TailAttempt attempt) {
        events.add(new Event(time, seq++, kind, server, attempt));
    }

    /** The next event, with the clock (and the ticker) advanced to its time; null when none is left. */
    Event next() {
        Event e = events.poll();
        if (e != null && e.time > now) {
            ticker.advance(Duration.ofNanos(e.time - now));
            now = e.time;
        }
        return e;
    }

    boolean inSlowdown(long t) {
        return t >= setup.slowdownFromSeconds() * SECOND && t < setup.slowdownToSeconds() * SECOND;
    }
}
