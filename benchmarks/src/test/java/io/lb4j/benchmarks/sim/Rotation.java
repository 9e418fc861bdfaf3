package io.lb4j.benchmarks.sim;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A test-local plain rotation over the eligible endpoints. */
final class Rotation implements Strategy {
    private final AtomicLong next = new AtomicLong();

    @Override
    public String name() {
        return "rotation";
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] e = endpoints.toArray(new Endpoint[0]);
        return ctx -> e[(int) Math.floorMod(next.getAndIncrement(), (long) e.length)];
    }
}
