package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Round robin: each pick takes the next endpoint in the list, as the LVS {@code rr} scheduler
 * ({@code ip_vs_rr.c}) and nginx's default balancer with equal weights. Configured weights are ignored:
 * every endpoint the pool hands over gets the same share, except a server that slow start is ramping
 * ({@code weight() < server().weight()}): while any is, the picker follows a smooth weighted cycle (as
 * {@link WeightedRoundRobin}) in which each server's share is its ramp fraction, so a warming server gets
 * its ramped share of an equal split.
 *
 * <p>The position is one {@link Sequence} kept in the <em>strategy</em>, not in the picker, so a
 * republish (a server added, ejected, restored or re-weighted) continues the rotation instead of
 * restarting it at the first server; restarting is what put 3–4× load on the first hosts during
 * deploys in gRPC-java (issue #4462). The counter starts at a random value drawn from the injected
 * {@link RandomGenerator}, so that many clients started together do not all begin with the same server.
 * The index is {@code Math.floorMod(counter, n)}: when the {@code long} counter wraps around (after
 * 2<sup>64</sup> picks) the rotation jumps once, and no exception is possible.
 *
 * <p><b>Cost:</b> one {@code getAndIncrement} and one array read per pick, no allocation; O(n) per
 * {@code newPicker} (a copy of the list; while a server ramps, the weighted cycle as in
 * {@link WeightedRoundRobin}).
 *
 * <p><b>When not to use it:</b> when servers differ in capacity (use {@link WeightedRoundRobin}) or
 * requests differ widely in cost (use {@link LeastRequest} or a least-connections strategy). Under very
 * high pick rates on many cores, the shared counter is a contended cache line; {@link WeightedRandom}
 * has no shared write at all.
 *
 * <p><b>Thread safety:</b> {@code newPicker} is called by one thread at a time (the pool serialises
 * updates); pickers are immutable apart from the shared atomic counter, lock-free and usable from any
 * thread.
 */
public final class RoundRobin implements Strategy {
    /** Canonical name. */
    public static final String NAME = "round-robin";

    private final Sequence position;

    /** Round robin starting at a random position drawn from {@link Randoms#threadLocal()}. */
    public RoundRobin() {
        this(Randoms.threadLocal());
    }

    /**
     * @param random draws the starting position once, here; not used afterwards
     * @throws IllegalArgumentException if {@code random} is null
     */
    public RoundRobin(RandomGenerator random) {
        this.position = new Sequence(EndpointArrays.notNull("random", random).nextLong());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@code false}: its pickers never read an endpoint's load (the pool stripes its counters per thread). */
    @Override
    public boolean readsLoad() {
        return false;
    }

    /**
     * @throws IllegalArgumentException if {@code endpoints} is null, empty or holds null
     */
    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.copy(endpoints);
        if (array.length == 1) {
            return new SinglePicker(array[0]);
        }
        double[] ramps = EndpointArrays.ramps(array);
        if (ramps != null) {
            return new WeightedRoundRobin.SequencePicker(WeightedRoundRobin.schedule(array, ramps,
                    WeightedRoundRobin.DEFAULT_MAX_SEQUENCE_LENGTH), position);
        }
        return new WeightedRoundRobin.SequencePicker(array, position); // the cycle is the endpoints themselves
    }

    @Override
    public String toString() {
        return NAME;
    }

    /** One endpoint: no counter traffic at all. */
    static final class SinglePicker implements Picker {
        private final Endpoint endpoint;

        SinglePicker(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public Endpoint pick(PickContext context) {
            return endpoint;
        }
    }
}
