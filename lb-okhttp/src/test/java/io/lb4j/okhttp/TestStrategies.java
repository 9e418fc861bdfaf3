package io.lb4j.okhttp;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Tiny strategies for these tests, independent of the algorithms module. */
final class TestStrategies {
    private TestStrategies() {
    }

    /** A rotation over the eligible list that survives republishes. */
    static Strategy rotation() {
        AtomicLong next = new AtomicLong();
        return new Strategy() {
            @Override
            public String name() {
                return "test-rotation";
            }

            @Override
            public Picker newPicker(List<Endpoint> endpoints) {
                Endpoint[] a = endpoints.toArray(new Endpoint[0]);
                return ctx -> a[(int) Math.floorMod(next.getAndIncrement(), (long) a.length)];
            }
        };
    }

    /** Always the first eligible endpoint (the pool's slow path handles exclusions). */
    static Strategy first() {
        return new Strategy() {
            @Override
            public String name() {
                return "test-first";
            }

            @Override
            public Picker newPicker(List<Endpoint> endpoints) {
                Endpoint e = endpoints.get(0);
                return ctx -> e;
            }
        };
    }

    /** Hashes the context's key onto the list (first endpoint without a key); records the last key. */
    static Strategy keyed(AtomicReference<String> lastKey) {
        return new Strategy() {
            @Override
            public String name() {
                return "test-keyed";
            }

            @Override
            public Picker newPicker(List<Endpoint> endpoints) {
                Endpoint[] a = endpoints.toArray(new Endpoint[0]);
                return ctx -> {
                    lastKey.set(ctx.hashKey());
                    return ctx.hasHashKey() ? a[(int) Math.floorMod(ctx.keyHash(), (long) a.length)] : a[0];
                };
            }
        };
    }
}
