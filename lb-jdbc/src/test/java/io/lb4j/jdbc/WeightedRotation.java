package io.lb4j.jdbc;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test-local weighted rotation: a precomputed nginx smooth-weighted sequence over integer weights,
 * walked by a shared counter. For weights 3:1 every 4 picks are exactly 3 and 1.
 */
final class WeightedRotation implements Strategy {
    private final AtomicLong next = new AtomicLong();

    @Override
    public String name() {
        return "test-weighted-rotation";
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints) {
        int n = endpoints.size();
        int[] weights = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = (int) Math.round(endpoints.get(i).weight());
            total += weights[i];
        }
        int[] current = new int[n];
        List<Endpoint> sequence = new ArrayList<>(total);
        for (int k = 0; k < total; k++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            sequence.add(endpoints.get(best));
        }
        Endpoint[] seq = sequence.toArray(new Endpoint[0]);
        return ctx -> seq[(int) Math.floorMod(next.getAndIncrement(), (long) seq.length)];
    }
}
