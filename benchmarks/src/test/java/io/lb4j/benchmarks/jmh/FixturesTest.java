package io.lb4j.benchmarks.jmh;

import io.lb4j.api.EndpointStats;
import io.lb4j.benchmarks.Fixtures;
import io.lb4j.benchmarks.StrategyCatalog;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.LoadBalance;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmarks measure what they claim: uneven in-flight counts, and Dubbo sees the same cluster. */
class FixturesTest {

    @Test
    void inFlightCountsAreUnevenAndSeeded() {
        int[] k = Fixtures.inFlight(100);
        assertThat(Arrays.stream(k).min().getAsInt()).isZero();
        assertThat(Arrays.stream(k).max().getAsInt()).isEqualTo(7);
        assertThat(Fixtures.inFlight(100)).isEqualTo(k);
    }

    @Test
    void benchmarksCoverEveryStrategyInTheCatalogue() throws Exception {
        List<String> expected = new java.util.ArrayList<>(StrategyCatalog.names());
        expected.add(StrategyCatalog.KETAMA);
        for (Class<?> c : List.of(PickerBenchmark.class, PoolBenchmark.class)) {
            Param p = c.getField("strategy").getAnnotation(Param.class);
            assertThat(p.value()).as(c.getSimpleName()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void everyBenchmarkedPickerReturnsOneOfItsEndpoints() throws Exception {
        for (String name : PickerBenchmark.class.getField("strategy").getAnnotation(Param.class).value()) {
            PickerBenchmark b = new PickerBenchmark();
            b.strategy = name;
            b.servers = 10;
            b.setUp();
            KeyCursor cursor = new KeyCursor();
            for (int i = 0; i < 100; i++) {
                assertThat(b.pick(cursor)).as(name).isNotNull();
            }
        }
    }

    @Test
    void poolBenchmarkHoldsTheFixtureInFlightCounts() {
        PoolBenchmark b = new PoolBenchmark();
        b.strategy = "least-connections";
        b.servers = 100;
        b.setUp();
        try {
            int[] expected = Fixtures.inFlight(100);
            List<EndpointStats> stats = b.poolForTest().stats();
            for (int i = 0; i < 100; i++) {
                assertThat(stats.get(i).inFlight()).as("server %d", i).isEqualTo(expected[i]);
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void dubboLeastActiveSeesTheSameActiveCounts() {
        List<Invoker<DubboInvoker.Echo>> invokers = DubboFixtures.invokers(100, "");
        DubboFixtures.setActive(invokers);
        try {
            LoadBalance lb = DubboBenchmark.create("leastactive");
            int[] k = Fixtures.inFlight(100);
            for (int i = 0; i < 50; i++) {
                Invoker<DubboInvoker.Echo> chosen = lb.select(invokers, DubboFixtures.consumerUrl(),
                        DubboFixtures.invocations()[i]);
                assertThat(k[invokers.indexOf(chosen)]).isZero();
            }
        } finally {
            DubboFixtures.clearActive(invokers);
        }
    }

    @Test
    void dubboRoundRobinSeesTheSameWeights() {
        List<Invoker<DubboInvoker.Echo>> invokers = DubboFixtures.invokers(4, "");
        LoadBalance lb = DubboBenchmark.create("roundrobin");
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            Invoker<DubboInvoker.Echo> chosen = lb.select(invokers, DubboFixtures.consumerUrl(),
                    DubboFixtures.invocations()[i % Fixtures.KEYS]);
            counts.merge(invokers.indexOf(chosen), 1, Integer::sum);
        }
        // weights 1, 2, 3, 4 (sum 10): smooth weighted round robin is exact over whole cycles
        assertThat(counts).containsEntry(0, 100).containsEntry(1, 200).containsEntry(2, 300).containsEntry(3, 400);
    }
}
