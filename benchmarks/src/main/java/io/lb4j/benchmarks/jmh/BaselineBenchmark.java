package io.lb4j.benchmarks.jmh;

import io.lb4j.api.Server;
import io.lb4j.benchmarks.Fixtures;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor: a shared {@link AtomicInteger} modulo an array of servers, the least any thread-safe
 * balancer can do. gRPC-java's round-robin picker is this plus one virtual call per pick.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BaselineBenchmark {

    @Param({"10", "100", "1000"})
    public int servers;

    private Server[] array;
    private final AtomicInteger next = new AtomicInteger();

    @Setup
    public void setUp() {
        array = Fixtures.servers(servers).toArray(new Server[0]);
    }

    @Benchmark
    public Server atomicModulo() {
        return array[(next.getAndIncrement() & Integer.MAX_VALUE) % array.length];
    }

    /**
     * One {@link System#nanoTime()} read: the floor under any request path that measures latency (the pool
     * reads the clock once per {@code acquire}, and once per completion that is not given its latency).
     */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }
}
