package io.lb4j.benchmarks.jmh;

import io.lb4j.algorithms.WeightedRoundRobin;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PoolBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Building and updating a large pool: both must be O(n). {@code build} makes a pool of {@code servers}
 * servers (duplicate-id check, members, the first snapshot and its smooth-WRR picker) and closes it;
 * {@code update} replaces the membership of a pool of that size with a list in which 1% of the servers
 * differ, alternately (one rebuild and one publish per call). Targets: 100,000 servers build in under a
 * second (issue 9); a 10,000-server update publishes in at most 10 ms (issue 12).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PoolBuildBenchmark {

    @Param({"10000", "100000"})
    public int servers;

    private List<Server> list;
    private List<Server> even;
    private List<Server> odd;
    private LoadBalancingPool updated;
    private boolean flip;

    @Setup(Level.Trial)
    public void setUp() {
        list = servers(servers, 0);
        even = list;
        odd = new ArrayList<>(list);
        for (int i = 0; i < servers / 100; i++) {
            odd.set(i * 100, Server.builder("127.0.0.2", 1 + i).id("changed-" + i).build());
        }
        updated = LoadBalancingPool.builder("update").strategy(new WeightedRoundRobin()).servers(list)
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        updated.close();
    }

    static List<Server> servers(int n, int offset) {
        List<Server> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(Server.builder("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 8080)
                    .id("s" + (i + offset)).weight(1 + i % 4).build());
        }
        return list;
    }

    @Benchmark
    public int build() {
        PoolBuilder b = LoadBalancingPool.builder("build").strategy(new WeightedRoundRobin());
        for (Server s : list) {
            b.server(s);
        }
        try (LoadBalancingPool pool = b.build()) {
            return pool.eligible().size();
        }
    }

    @Benchmark
    public LoadBalancingPool update() {
        flip = !flip;
        updated.update(flip ? odd : even);
        return updated;
    }
}
