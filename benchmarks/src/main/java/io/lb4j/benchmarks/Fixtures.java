package io.lb4j.benchmarks;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Server;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The one cluster every benchmark balances, so lb4j and Dubbo see the same thing: {@code n} servers on
 * loopback ports with weights 1..4 (weight of server i = 1 + i mod 4), an uneven, seeded number of
 * requests in flight on each (0 to 7), seeded peak-EWMA-like latencies (log-normal around 10 ms) and
 * 1,024 request keys.
 */
public final class Fixtures {
    /** Distinct request keys the benchmarks cycle through (a power of two). */
    public static final int KEYS = 1024;
    /** The seed of every fixture. */
    public static final long SEED = 20_241_125L;

    private static final PickContext[] CONTEXTS = new PickContext[KEYS];

    static {
        for (int i = 0; i < KEYS; i++) {
            CONTEXTS[i] = PickContext.ofKey(key(i));
        }
    }

    private Fixtures() {
    }

    /** The i-th request key, e.g. {@code user-17}. */
    public static String key(int i) {
        return "user-" + i;
    }

    /** Prebuilt contexts of {@link #key(int)} (hash computed once). */
    public static PickContext context(int i) {
        return CONTEXTS[i & (KEYS - 1)];
    }

    /** Server i: {@code 127.0.0.1:(20000 + i)}, weight {@link #weight(int)}. */
    public static Server server(int i) {
        return Server.builder("127.0.0.1", 20_000 + i).weight(weight(i)).build();
    }

    public static int weight(int i) {
        return 1 + i % 4;
    }

    public static List<Server> servers(int n) {
        List<Server> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(server(i));
        }
        return list;
    }

    /** Requests in flight on each of {@code n} servers: seeded, 0 to 7. */
    public static int[] inFlight(int n) {
        SplittableRandom r = new SplittableRandom(SEED);
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
            k[i] = r.nextInt(8);
        }
        return k;
    }

    /** Latency of each of {@code n} servers in nanoseconds: seeded log-normal around 10 ms. */
    public static double[] latencies(int n) {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = 10_000_000.0 * Math.exp(0.5 * r.nextGaussian());
        }
        return l;
    }

    /** Endpoints for {@code Picker.pick} benchmarks: weights, in-flight and latencies as above. */
    public static List<Endpoint> endpoints(int n) {
        int[] k = inFlight(n);
        double[] l = latencies(n);
        List<Endpoint> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new BenchEndpoint(server(i), weight(i), k[i], l[i]));
        }
        return List.copyOf(list);
    }

    /** {@link #KEYS} completion latencies in nanoseconds (log-normal around 10 ms), for {@code lease.success}. */
    public static long[] completionLatencies() {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        long[] l = new long[KEYS];
        for (int i = 0; i < KEYS; i++) {
            l[i] = (long) (10_000_000.0 * Math.exp(0.5 * r.nextGaussian()));
        }
        return l;
    }
}
