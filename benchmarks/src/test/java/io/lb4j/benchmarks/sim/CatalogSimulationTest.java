package io.lb4j.benchmarks.sim;

import io.lb4j.benchmarks.StrategyCatalog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The real strategies in the simulation: reproducible, and the latency-aware ones avoid a slow server. */
class CatalogSimulationTest {
    private static final SimConfig SHORT = SimConfig.custom().durationSeconds(20).warmupSeconds(2).seed(11).build();

    @Test
    void everyStrategyGivesTheSameResultForTheSameSeed() {
        for (String name : StrategyCatalog.names()) {
            SimResult a = new Simulation(SHORT, StrategyCatalog.factory()).run(Scenario.ONE_SLOW, name);
            SimResult b = new Simulation(SHORT, StrategyCatalog.factory()).run(Scenario.ONE_SLOW, name);
            assertThat(b.latencyMicros()).as(name).isEqualTo(a.latencyMicros());
            assertThat(b.picks()).as(name).isEqualTo(a.picks());
        }
    }

    @Test
    void peakEwmaSendsLessThanTwoPercentToAServerTenTimesSlower() {
        // a fair share is 10%; a 10x slower server can take at most ~1.4% at 70% load without queueing up.
        SimResult r = new Simulation(SHORT, StrategyCatalog.factory()).run(Scenario.ONE_SLOW, "peak-ewma");
        assertThat(r.share("s0")).isLessThan(0.02);
    }
}
