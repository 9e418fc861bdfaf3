package io.lb4j.benchmarks.jmh;

import io.lb4j.api.Lease;
import io.lb4j.api.PickContext;
import io.lb4j.api.Server;
import io.lb4j.benchmarks.Fixtures;
import io.lb4j.benchmarks.StrategyCatalog;
import io.lb4j.pool.LoadBalancingPool;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One request's whole balancing cost through a {@link LoadBalancingPool}: {@code pool.acquire(ctx)} then
 * {@code lease.success(latency)} (in-flight +1/-1, the peak-EWMA update, the passive-health success path).
 * The pool uses the default config (nginx passive health) and the system ticker. In setup every server
 * gets a fixed, uneven number of leases (0..7, the same as the picker benchmark) that stay open for the
 * whole run, so least-connections and friends compare real, unequal in-flight counts. Bytes per
 * operation are reported honestly: the lease may or may not be scalar-replaced.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PoolBenchmark {

    @Param({"round-robin", "weighted-round-robin", "random", "least-connections", "weighted-least-connections", "shortest-expected-delay", "never-queue", "least-request", "locality-least-connections", "locality-least-connections-replicated", "destination-hash", "source-hash", "peak-ewma", "destination-hash-ketama", "reported-load-round-robin", "reported-load-least-request"})
    public String strategy;

    @Param({"10", "100", "1000"})
    public int servers;

    private LoadBalancingPool pool;
    private long[] latencies;
    private final List<Lease> held = new ArrayList<>();

    @Setup
    public void setUp() {
        List<Server> list = Fixtures.servers(servers);
        pool = LoadBalancingPool.builder("bench").strategy(StrategyCatalog.create(strategy)).servers(list)
                .build();
        latencies = Fixtures.completionLatencies();
        int[] inFlight = Fixtures.inFlight(servers);
        List<String> others = new ArrayList<>(servers);
        for (int i = 0; i < servers; i++) {
            if (inFlight[i] == 0) {
                continue;
            }
            others.clear();
            for (int j = 0; j < servers; j++) {
                if (j != i) {
                    others.add(list.get(j).id());
                }
            }
            PickContext only = PickContext.none().excluding(others);
            for (int k = 0; k < inFlight[i]; k++) {
                Lease lease = pool.acquire(only);
                if (!lease.server().equals(list.get(i))) {
                    throw new IllegalStateException("setup expected " + list.get(i) + ", got " + lease.server());
                }
                held.add(lease);
            }
        }
    }

    @TearDown
    public void tearDown() {
        for (Lease lease : held) {
            lease.drop();
        }
        pool.close();
    }

    /** The pool under test (for the module's fixture tests). */
    LoadBalancingPool poolForTest() {
        return pool;
    }

    @Benchmark
    public Server acquireAndSucceed(KeyCursor cursor) {
        int i = cursor.next();
        Lease lease = pool.acquire(Fixtures.context(i));
        lease.success(latencies[i & (Fixtures.KEYS - 1)]);
        return lease.server();
    }
}
