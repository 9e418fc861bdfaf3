package io.lb4j.algorithms;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Random sources for strategies. Strategies take a {@link RandomGenerator} in their constructor so
 * tests are deterministic; in production they use {@link #threadLocal()}, which is contention-free.
 *
 * <p>Thread-safe.
 */
public final class Randoms {
    private static final RandomGenerator THREAD_LOCAL = new ThreadLocalGenerator();

    private Randoms() {
    }

    /** A generator backed by {@link ThreadLocalRandom#current()}: thread-safe, no contention, not seedable. */
    public static RandomGenerator threadLocal() {
        return THREAD_LOCAL;
    }

    /**
     * A seeded, thread-safe generator for deterministic tests ({@link Random} is thread-safe; under
     * contention it is slower than {@link #threadLocal()}).
     */
    public static RandomGenerator seeded(long seed) {
        return new Random(seed);
    }

    private static final class ThreadLocalGenerator implements RandomGenerator {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public int nextInt() {
            return ThreadLocalRandom.current().nextInt();
        }

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public double nextDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }

        @Override
        public String toString() {
            return "ThreadLocalRandom";
        }
    }
}
