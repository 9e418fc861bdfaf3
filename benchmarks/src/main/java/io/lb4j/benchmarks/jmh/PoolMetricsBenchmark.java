package io.lb4j.benchmarks.jmh;

import io.lb4j.api.Lease;
import io.lb4j.api.Server;
import io.lb4j.benchmarks.Fixtures;
import io.lb4j.benchmarks.StrategyCatalog;
import io.lb4j.metrics.MicrometerPoolMetrics;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What Micrometer metrics cost per request: {@code pool.acquire(ctx)} then {@code lease.success(latency)}, as
 * {@link PoolBenchmark}, with no observer ({@code none}) or {@link MicrometerPoolMetrics} into a
 * {@link SimpleMeterRegistry} ({@code micrometer}), or an observer that does nothing ({@code noop}: the cost
 * of the hook itself). Run with {@code -prof gc} for bytes per operation; picking
 * itself is the same code either way.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PoolMetricsBenchmark {

    @Param({"round-robin", "peak-ewma"})
    public String strategy;

    @Param({"none", "noop", "micrometer"})
    public String metrics;

    private LoadBalancingPool pool;
    private long[] latencies;

    @Setup
    public void setUp() {
        List<Server> list = Fixtures.servers(10);
        PoolBuilder b = LoadBalancingPool.builder("bench").strategy(StrategyCatalog.create(strategy)).servers(list);
        if (metrics.equals("micrometer")) {
            b.observer(MicrometerPoolMetrics.of(new SimpleMeterRegistry()));
        } else if (metrics.equals("noop")) {
            b.observer(p -> (endpoint, outcome, latencyNanos) -> { });
        }
        pool = b.build();
        latencies = Fixtures.completionLatencies();
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public Server acquireAndSucceed(KeyCursor cursor) {
        int i = cursor.next();
        Lease lease = pool.acquire(Fixtures.context(i));
        lease.success(latencies[i & (Fixtures.KEYS - 1)]);
        return lease.server();
    }
}
