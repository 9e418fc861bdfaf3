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
     * An index in {@code [0, bound)} from 32 random bits, by multiplication and shift (D. Lemire, "Fast Random
     * Integer Generation in an Interval", ACM TOMACS 29(1), 2019) rather than a division: pickers split one
     * {@code nextLong()} into two such indices. Without Lemire's rejection step an index is drawn with
     * probability {@code 1/bound} give or take {@code 2^-32}: for a pool of 100,000 servers, a relative
     * bias below 0.003%, far below any pool's statistical noise.
     *
     * @param bits  32 uniformly random bits
     * @param bound at least 1
     */
    static int index(int bits, int bound) {
        return (int) (((bits & 0xFFFF_FFFFL) * bound) >>> 32);
    }

    /** A uniform double in {@code [0, 1)} from 32 random bits. */
    static double unit(int bits) {
        return (bits & 0xFFFF_FFFFL) * 0x1.0p-32;
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
