package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;

import java.util.List;
import java.util.random.RandomGenerator;

/** Helpers for picker tests. */
final class Picks {
    private Picks() {
    }

    /** A generator whose every {@code nextLong()} is {@code value}: fixes a strategy's starting position. */
    static RandomGenerator startingAt(long value) {
        return () -> value;
    }

    /** The server ids of {@code count} picks, space-separated. */
    static String ids(Picker picker, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(picker.pick(PickContext.none()).server().id());
        }
        return sb.toString();
    }

    /** How many of {@code count} picks chose each endpoint, in list order. */
    static int[] counts(Picker picker, List<Endpoint> endpoints, int count) {
        int[] counts = new int[endpoints.size()];
        for (int i = 0; i < count; i++) {
            Endpoint e = picker.pick(PickContext.none());
            counts[endpoints.indexOf(e)]++;
        }
        return counts;
    }

    static FakeEndpoint fake(List<Endpoint> endpoints, int i) {
        return (FakeEndpoint) endpoints.get(i);
    }

    /** Sets the in-flight counts of {@code endpoints}, in order. */
    static List<Endpoint> inFlight(List<Endpoint> endpoints, int... counts) {
        for (int i = 0; i < counts.length; i++) {
            fake(endpoints, i).inFlight(counts[i]);
        }
        return endpoints;
    }

    /** Endpoints named a, b, c... with the given weights. */
    static List<Endpoint> letters(int... weights) {
        List<Endpoint> list = new java.util.ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(FakeEndpoint.of(String.valueOf((char) ('a' + i)), weights[i]));
        }
        return list;
    }
}
