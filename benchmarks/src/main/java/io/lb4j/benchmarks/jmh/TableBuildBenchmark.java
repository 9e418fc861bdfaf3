package io.lb4j.benchmarks.jmh;

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
 * The cost of an update for the hashing strategies, 100 servers: Dubbo's {@code ConsistentHashSelector}
 * build with {@code hash.nodes=2620} (100 × 2,620 = 262,000 ring points, about 256k), measured as a fresh
 * {@code ConsistentHashLoadBalance} selecting once (the build dominates).
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

    private List<Invoker<DubboInvoker.Echo>> invokers;
    private URL url;
    private Invocation invocation;

    @Setup
    public void setUp() {
        invokers = DubboFixtures.invokers(SERVERS, "hash.nodes=" + POINTS_PER_SERVER);
        url = DubboFixtures.consumerUrl();
        invocation = DubboFixtures.invocations()[0];
    }

    @Benchmark
    public Invoker<DubboInvoker.Echo> dubboConsistentHash256k() {
        return new ConsistentHashLoadBalance().select(invokers, url, invocation);
    }
}
