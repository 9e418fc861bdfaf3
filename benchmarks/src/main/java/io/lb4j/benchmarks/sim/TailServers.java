package io.lb4j.benchmarks.sim;

import io.lb4j.api.LoadReport;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.lb4j.benchmarks.sim.TailEvents.BACKGROUND;
import static io.lb4j.benchmarks.sim.TailEvents.DONE;
import static io.lb4j.benchmarks.sim.TailEvents.SAMPLE;
import static io.lb4j.benchmarks.sim.TailEvents.SAMPLE_NANOS;
import static io.lb4j.benchmarks.sim.TailEvents.SECOND;

/**
 * The server side of {@link TailSimulation}: FIFO servers with a fixed number of workers and exponential service
 * times (scaled by capacity, the fleet-wide slowdown and random slow requests), other clients' Poisson traffic,
 * cancellation of a try the server lets go, and every server's ORCA load report each half second.
 *
 * <p>Not thread-safe: used by one single-threaded simulation run.
 */
final class TailServers {
    final List<TailServer> servers = new ArrayList<>();
    private final TailSetup setup;
    private final TailEvents events;
    private final SplittableRandom arrivals;
    private final SplittableRandom service;

    /**
     * @param arrivals the random source of arrivals, shared with the client's own traffic
     * @param service  the random source of service times
     */
    TailServers(TailSetup setup, TailEvents events, SplittableRandom arrivals, SplittableRandom service) {
        this.setup = setup;
        this.events = events;
        this.arrivals = arrivals;
        this.service = service;
    }

    /** Adds {@code s} and, if other clients use it, schedules their first request. */
    void add(TailServer s) {
        servers.add(s);
        if (setup.background()[s.index] > 0) {
            events.schedule(backgroundGap(s), BACKGROUND, s, null);
        }
    }

    TailServer get(int index) {
        return servers.get(index);
    }

    long backgroundGap(TailServer s) {
        double rate = s.capacity * setup.background()[s.index] * setup.workers() * 1000.0 / setup.meanServiceMillis();
        return events.now() + Math.max(1, (long) (-SECOND / rate * Math.log(1.0 - arrivals.nextDouble())));
    }

    void enqueue(TailServer s, TailAttempt a) {
        if (s.busy < setup.workers()) {
            start(s, a);
        } else {
            s.queue.addLast(a);
        }
    }

    void start(TailServer s, TailAttempt a) {
        long now = events.now();
        s.accumulate(now);
        s.busy++;
        a.inService = true;
        double mean = setup.meanServiceMillis() * 1_000_000 / s.capacity;
        if (events.inSlowdown(now)) {
            mean *= setup.slowdownFactor();
        }
        if (setup.slowProbability() > 0 && service.nextDouble() < setup.slowProbability()) {
            mean *= setup.slowFactor();
        }
        long t = Math.max(1, (long) (-mean * Math.log(1.0 - service.nextDouble())));
        events.schedule(now + t, DONE, s, a);
    }

    /**
     * The server finishes {@code a} and frees its worker; true if {@code a} is a client try the client must
     * now hear about (not cancelled away, not other clients' traffic).
     */
    boolean complete(TailAttempt a) {
        TailServer s = a.server;
        if (a.gone) {
            return false; // cancelled, and the server already let it go
        }
        s.completions++;
        release(s);
        return a.request != null; // else other clients' request
    }

    /** One worker of {@code s} becomes free: the next queued try starts. */
    void release(TailServer s) {
        s.accumulate(events.now());
        s.busy--;
        TailAttempt next = s.queue.pollFirst();
        if (next != null) {
            start(s, next);
        }
    }

    /** The server notices the cancellation at once (an HTTP/2 RST_STREAM honoured by the application). */
    void cancel(TailAttempt a) {
        a.gone = true;
        if (a.inService) {
            release(a.server);
        } else {
            a.server.queue.remove(a);
        }
    }

    void background(TailServer s) {
        TailAttempt a = new TailAttempt(null, s, null, events.now());
        enqueue(s, a);
        long next = backgroundGap(s);
        if (next < events.end) {
            events.schedule(next, BACKGROUND, s, null);
        }
    }

    /** Every server's ORCA report over the last half second: utilization and requests per second. */
    void sample() {
        long now = events.now();
        for (TailServer s : servers) {
            s.accumulate(now);
            double window = SAMPLE_NANOS;
            double utilization = Math.min(1.0, (s.busyNanos - s.lastBusyNanos) / (window * setup.workers()));
            double rps = (s.completions - s.lastCompletions) * (double) SECOND / window;
            s.lastBusyNanos = s.busyNanos;
            s.lastCompletions = s.completions;
            s.report = LoadReport.custom().cpuUtilization(Math.max(0, utilization)).rps(rps)
                    .requestsInFlight(s.busy + s.queue.size()).build();
        }
        if (now + SAMPLE_NANOS < events.end) {
            events.schedule(now + SAMPLE_NANOS, SAMPLE, null, null);
        }
    }

    long[] picks() {
        return servers.stream().mapToLong(s -> s.picks).toArray();
    }
}
