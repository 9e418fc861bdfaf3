package io.lb4j.benchmarks.jmh;

import io.lb4j.benchmarks.Fixtures;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.LoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.ConsistentHashLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.LeastActiveLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.RandomLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.RoundRobinLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.ShortestResponseLoadBalance;
import org.apache.dubbo.rpc.model.ApplicationModel;
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
 * The anchor: Apache Dubbo 3.3.5's {@code LoadBalance.select(invokers, url, invocation)}, driven as
 * Dubbo's {@code AbstractClusterInvoker} drives it: one immutable invoker list created in setup (the
 * directory's list), the consumer URL, and an invocation of {@code echo(key)} cycling through the same
 * 1,024 keys as lb4j. The invokers carry the same weights (1..4 in their URLs) and the same uneven
 * active counts (set in Dubbo's {@code RpcStatus}) as the lb4j fixtures. The load balancer instance is
 * created once, so RoundRobin keeps its per-invoker state and ConsistentHash builds its ring once
 * (its per-call MD5 of the key is part of Dubbo's select, as it would be in production).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DubboBenchmark {

    @Param({"roundrobin", "random", "leastactive", "consistenthash", "shortestresponse"})
    public String loadBalance;

    @Param({"10", "100", "1000"})
    public int servers;

    private LoadBalance lb;
    private List<Invoker<DubboInvoker.Echo>> invokers;
    private URL url;
    private Invocation[] invocations;

    @Setup
    public void setUp() {
        invokers = DubboFixtures.invokers(servers, "");
        url = DubboFixtures.consumerUrl();
        invocations = DubboFixtures.invocations();
        lb = create(loadBalance);
        DubboFixtures.setActive(invokers);
        lb.select(invokers, url, invocations[0]); // builds ConsistentHash's ring outside the measurement
    }

    static LoadBalance create(String name) {
        switch (name) {
            case "roundrobin":
                return new RoundRobinLoadBalance();
            case "random":
                return new RandomLoadBalance();
            case "leastactive":
                return new LeastActiveLoadBalance();
            case "consistenthash":
                return new ConsistentHashLoadBalance();
            case "shortestresponse":
                ShortestResponseLoadBalance sr = new ShortestResponseLoadBalance();
                sr.setApplicationModel(ApplicationModel.defaultModel()); // as Dubbo's extension loader does
                return sr;
            default:
                throw new IllegalArgumentException("loadBalance must be one of roundrobin, random, leastactive, "
                        + "consistenthash, shortestresponse, was '" + name + "'");
        }
    }

    @TearDown
    public void tearDown() {
        DubboFixtures.clearActive(invokers);
    }

    @Benchmark
    public Invoker<DubboInvoker.Echo> select(KeyCursor cursor) {
        return lb.select(invokers, url, invocations[cursor.next() & (Fixtures.KEYS - 1)]);
    }
}
