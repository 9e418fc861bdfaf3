package io.lb4j.benchmarks.jmh;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.benchmarks.Fixtures;
import io.lb4j.benchmarks.StrategyCatalog;
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

/**
 * {@code Picker.pick} alone, on a picker from {@code strategy.newPicker(endpoints)}: the cost of one
 * decision. The endpoints carry weights 1..4, uneven in-flight counts (0..7) and latencies, so the LVS
 * schedulers really compare; each call uses the next of 1,024 keyed contexts (hashes precomputed, as a
 * caller reusing {@code PickContext.ofKey} would), so hashing strategies walk their tables. Must be
 * 0 B/op under {@code -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PickerBenchmark {

    @Param({"round-robin", "weighted-round-robin", "random", "least-connections", "weighted-least-connections", "shortest-expected-delay", "never-queue", "least-request", "locality-least-connections", "locality-least-connections-replicated", "destination-hash", "source-hash", "peak-ewma", "destination-hash-ketama", "reported-load-round-robin", "reported-load-least-request"})
    public String strategy;

    @Param({"10", "100", "1000"})
    public int servers;

    private Picker picker;

    @Setup
    public void setUp() {
        picker = StrategyCatalog.create(strategy).newPicker(Fixtures.endpoints(servers));
    }

    @Benchmark
    public Endpoint pick(KeyCursor cursor) {
        return picker.pick(Fixtures.context(cursor.next()));
    }
}
