package io.lb4j.benchmarks.jmh;

import io.lb4j.algorithms.DestinationHash;
import io.lb4j.algorithms.HashingConfig;
import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.benchmarks.Fixtures;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.loadbalance.ConsistentHashLoadBalance;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one update for the hashing strategies, 100 servers (weights 1..4, sum 250):
 * <ul>
 *   <li>lb4j {@code DestinationHash} with Maglev, M = 65,537 (the default): {@code newPicker(endpoints)};</li>
 *   <li>lb4j {@code DestinationHash} with a ketama ring of 1,049 points per unit of weight = 262,250 points
 *       (about 256k): {@code newPicker(endpoints)};</li>
 *   <li>Dubbo 3.3.5's {@code ConsistentHashSelector} with {@code hash.nodes=2620} (100 × 2,620 = 262,000
 *       points), measured as a fresh {@code ConsistentHashLoadBalance} selecting once (the build dominates).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TableBuildBenchmark {
    static final int SERVERS = 100;
    /** Ring points per server for a ~256k-point ring (Dubbo rounds down to a multiple of 4). */
    static final int POINTS_PER_SERVER = 2620;

    /** Ketama points per unit of weight: 1,049 × 250 = 262,250 points in all. */
    static final int KETAMA_POINTS_PER_WEIGHT = 1049;

    private List<Endpoint> endpoints;
    private DestinationHash maglev;
    private DestinationHash ketama;
    private List<Invoker<DubboInvoker.Echo>> invokers;
    private URL url;
    private Invocation invocation;

    @Setup
    public void setUp() {
        endpoints = Fixtures.endpoints(SERVERS);
        maglev = new DestinationHash(HashingConfig.ofDefaults());
        ketama = new DestinationHash(HashingConfig.custom().table(HashingConfig.Table.KETAMA)
                .ketamaPointsPerWeight(KETAMA_POINTS_PER_WEIGHT).build());
        invokers = DubboFixtures.invokers(SERVERS, "hash.nodes=" + POINTS_PER_SERVER);
        url = DubboFixtures.consumerUrl();
        invocation = DubboFixtures.invocations()[0];
    }

    @Benchmark
    public Picker lb4jMaglev65537() {
        return maglev.newPicker(endpoints);
    }

    @Benchmark
    public Picker lb4jKetama256k() {
        return ketama.newPicker(endpoints);
    }

    @Benchmark
    public Invoker<DubboInvoker.Echo> dubboConsistentHash256k() {
        return new ConsistentHashLoadBalance().select(invokers, url, invocation);
    }
}
