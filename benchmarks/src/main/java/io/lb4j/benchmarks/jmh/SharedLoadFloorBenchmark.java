package io.lb4j.benchmarks.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor under any balancer that keeps a per-server in-flight count shared by its threads (nginx with a
 * {@code zone}, Envoy's {@code rq_active}, Finagle, lb4j): the least a request can do with it, with no pool,
 * lease, clock or health around it. Each server's count sits alone on 128 bytes (no false sharing), so with
 * two threads the only extra cost is the true sharing — a count written by one core and then read or written
 * by the other moves its cache line between the cores.
 *
 * <ul>
 *   <li>{@code privateRoundTrip}: each thread has its own counts (nothing shared): +1 then -1 on the next
 *       server of a rotation. The 1-thread cost of the operation.</li>
 *   <li>{@code sharedRoundTrip}: the same on counts shared by the threads, each thread rotating from its own
 *       offset (half the servers apart, as lb4j's striped round robin does): what round robin must write.</li>
 *   <li>{@code sharedTwoChoices}: two random servers' counts read, the lower one +1 then -1: what
 *       least-request and peak EWMA (power of two choices over in-flight counts) must read and write.</li>
 * </ul>
 *
 * <p>With two threads the shared cells minus the private ones is what sharing load between threads costs on
 * this machine, per request; a pool request cannot scale better than its 1-thread cost plus that.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SharedLoadFloorBenchmark {
    /** Ints per server: 128 bytes, so that no two counts share a cache line (or an adjacent-line prefetch). */
    static final int STRIDE = 32;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(int[].class);

    @Param({"10", "100", "1000"})
    public int servers;

    int[] shared;
    final AtomicInteger threads = new AtomicInteger();

    @Setup
    public void setUp() {
        shared = new int[(servers + 2) * STRIDE];
    }

    /** One benchmark thread's own counts, rotation and random numbers. */
    @State(Scope.Thread)
    public static class PerThread {
        int[] own;
        int next;
        long seed;

        @Setup
        public void setUp(SharedLoadFloorBenchmark b) {
            own = new int[(b.servers + 2) * STRIDE];
            int index = b.threads.getAndIncrement();
            next = index * (b.servers / 2); // threads rotate half the servers apart
            seed = 0x9E3779B97F4A7C15L * (index + 1);
        }

        int nextServer(int n) {
            int i = next;
            next = i + 1 == n ? 0 : i + 1;
            return i;
        }

        long nextRandom() { // xorshift64
            long x = seed;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            seed = x;
            return x;
        }
    }

    static int cell(int server) {
        return (server + 1) * STRIDE;
    }

    @Benchmark
    public int privateRoundTrip(PerThread t) {
        int c = cell(t.nextServer(servers));
        int v = (int) CELL.getAndAdd(t.own, c, 1);
        CELL.getAndAdd(t.own, c, -1);
        return v;
    }

    @Benchmark
    public int sharedRoundTrip(PerThread t) {
        int c = cell(t.nextServer(servers));
        int v = (int) CELL.getAndAdd(shared, c, 1);
        CELL.getAndAdd(shared, c, -1);
        return v;
    }

    @Benchmark
    public int sharedTwoChoices(PerThread t) {
        long r = t.nextRandom();
        int a = cell((int) (((r >>> 32) * servers) >>> 32));
        int b = cell((int) (((r & 0xFFFFFFFFL) * servers) >>> 32));
        int la = (int) CELL.getVolatile(shared, a);
        int lb = (int) CELL.getVolatile(shared, b);
        int c = la <= lb ? a : b;
        int v = (int) CELL.getAndAdd(shared, c, 1);
        CELL.getAndAdd(shared, c, -1);
        return v;
    }
}
