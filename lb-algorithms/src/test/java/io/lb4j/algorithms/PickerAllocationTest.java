package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pickers allocate nothing: 200,000 picks after a warm-up must allocate less than 1 KiB on the picking
 * thread (the allowance covers the measurement itself and one-off runtime allocations such as a
 * deoptimisation, a few hundred bytes at most in practice; one allocating pick would be at least 16 B each,
 * 3 MB in all). Measured with the JVM's per-thread allocation counter, so it works interpreted or compiled.
 */
class PickerAllocationTest {

    static Stream<Strategy> strategies() {
        return Stream.of(new RoundRobin(Randoms.seeded(1)), new WeightedRoundRobin(Randoms.seeded(1)),
                new WeightedRandom(Randoms.threadLocal()), new LeastConnections(Randoms.seeded(1)),
                new WeightedLeastConnections(Randoms.seeded(1)), new ShortestExpectedDelay(Randoms.seeded(1)),
                new NeverQueue(Randoms.seeded(1)), new LeastRequest(Randoms.threadLocal()),
                new LeastRequest(LeastRequest.Config.custom().activeRequestBias(0.5).choiceCount(3).build(),
                        Randoms.threadLocal()),
                new ReportedLoadRoundRobin(ReportedLoadConfig.ofDefaults(), new io.lb4j.api.ManualTicker(),
                        Randoms.seeded(1)),
                new ReportedLoadLeastRequest(ReportedLoadConfig.ofDefaults(), new io.lb4j.api.ManualTicker(),
                        Randoms.threadLocal()));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void pickAllocatesNothing(Strategy strategy) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Endpoint> endpoints = Picks.inFlight(FakeEndpoint.weighted(3, 1, 2, 5, 1), 1, 0, 4, 2, 0);
        Picker picker = strategy.newPicker(endpoints);
        PickContext context = PickContext.ofKey("user-42");
        long sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += picker.pick(context).inFlight();
        }
        threads.getCurrentThreadAllocatedBytes(); // the first call may allocate; keep it out of the measurement
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200_000; i++) {
            sink += picker.pick(i % 2 == 0 ? context : PickContext.none()).inFlight();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isNotNegative();
        assertThat(allocated).as("bytes allocated by 200,000 picks of " + strategy.name()).isLessThan(1024);
    }
}
