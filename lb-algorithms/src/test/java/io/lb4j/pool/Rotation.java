package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A minimal rotation for pool tests, independent of the algorithms under test elsewhere. */
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
