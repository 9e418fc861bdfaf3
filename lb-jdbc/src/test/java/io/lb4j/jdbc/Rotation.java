package io.lb4j.jdbc;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Test-local rotation that always starts with the first endpoint, for exact-sequence assertions. */
final class Rotation implements Strategy {
    private final AtomicLong next = new AtomicLong();

    @Override
    public String name() {
        return "test-rotation";
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = endpoints.toArray(new Endpoint[0]);
        return ctx -> array[(int) Math.floorMod(next.getAndIncrement(), (long) array.length)];
    }
}
