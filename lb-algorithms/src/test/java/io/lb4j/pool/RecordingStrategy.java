package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * A strategy for tests of the pool's parts: records the server ids of every list it is asked to balance,
 * and its pickers return the first endpoint of their list. Not thread-safe.
 */
final class RecordingStrategy implements Strategy {
    final List<List<String>> lists = new ArrayList<>();
    /** The {@code nowNanos} each picker received through {@link Picker#pick(io.lb4j.api.PickContext, long)}. */
    final List<Long> nows = new ArrayList<>();

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        List<String> ids = new ArrayList<>();
        for (Endpoint e : endpoints) {
            ids.add(e.server().id());
        }
        lists.add(ids);
        Endpoint first = endpoints.get(0);
        return new Picker() {
            @Override
            public Endpoint pick(io.lb4j.api.PickContext context) {
                return first;
            }

            @Override
            public Endpoint pick(io.lb4j.api.PickContext context, long nowNanos) {
                nows.add(nowNanos);
                return first;
            }
        };
    }
}
