package io.lb4j.benchmarks.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimulationTest {
    private static final StrategyFactory ROTATION = (name, random, ticker) -> new Rotation();

    private static SimConfig.Builder small() {
        return SimConfig.custom().servers(4).durationSeconds(60).warmupSeconds(2).seed(7);
    }

    @Test
    void mm1MeanLatencyMatchesTheoryWithinFivePercent() {
        // One server, one worker, exponential service (mean 10 ms), Poisson arrivals at rho = 0.5:
        // M/M/1 mean time in system = S / (1 - rho) = 20 ms. 2,000 virtual seconds ≈ 100,000 requests;
        // the tolerance (5%) covers the sampling error of a run that long at rho = 0.5.
        SimConfig config = SimConfig.custom().servers(1).workersPerServer(1).meanServiceMillis(10)
                .utilisation(0.5).durationSeconds(2000).warmupSeconds(20).seed(1).build();
        SimResult r = new Simulation(config, ROTATION).run(Scenario.HEALTHY, "rotation");
        assertThat(r.requests()).isGreaterThan(90_000);
        assertThat(r.meanMillis()).isCloseTo(20.0, within(20.0 * 0.05));
    }

    @Test
    void mm1MedianLatencyMatchesTheoryWithinFivePercent() {
        // M/M/1 time in system is exponential with rate mu - lambda: median = ln 2 * 20 ms ≈ 13.86 ms.
        SimConfig config = SimConfig.custom().servers(1).meanServiceMillis(10)
                .utilisation(0.5).durationSeconds(2000).warmupSeconds(20).seed(3).build();
        SimResult r = new Simulation(config, ROTATION).run(Scenario.HEALTHY, "rotation");
        assertThat(r.p50Millis()).isCloseTo(Math.log(2) * 20.0, within(Math.log(2) * 20.0 * 0.05));
    }

    @Test
    void offeredLoadMatchesTheConfiguredUtilisation() {
        // 4 servers × 1 worker / 10 ms × 0.7 = 280 requests/s; 58 counted seconds ≈ 16,240 requests (±3%).
        SimResult r = new Simulation(small().build(), ROTATION).run(Scenario.HEALTHY, "rotation");
        assertThat((double) r.requests()).isCloseTo(280.0 * 58, within(280.0 * 58 * 0.03));
    }

    @Test
    void sameSeedGivesIdenticalResults() {
        Simulation sim = new Simulation(small().build(), ROTATION);
        SimResult a = sim.run(Scenario.ONE_SLOW, "rotation");
        SimResult b = new Simulation(small().build(), ROTATION).run(Scenario.ONE_SLOW, "rotation");
        assertThat(b.latencyMicros()).isEqualTo(a.latencyMicros());
        assertThat(b.picks()).isEqualTo(a.picks());
        assertThat(b.requests()).isEqualTo(a.requests());
        assertThat(b.p999Millis()).isEqualTo(a.p999Millis());
    }

    @Test
    void differentSeedsGiveDifferentResults() {
        SimResult a = new Simulation(small().seed(1).build(), ROTATION).run(Scenario.HEALTHY, "rotation");
        SimResult b = new Simulation(small().seed(2).build(), ROTATION).run(Scenario.HEALTHY, "rotation");
        assertThat(b.latencyMicros()).isNotEqualTo(a.latencyMicros());
    }

    @Test
    void rotationSplitsTrafficEvenly() {
        SimResult r = new Simulation(small().build(), ROTATION).run(Scenario.HEALTHY, "rotation");
        for (String id : r.picks().keySet()) {
            assertThat(r.share(id)).isCloseTo(0.25, within(0.001));
        }
    }

    @Test
    void slowServerRaisesTheTailOfAnUnawareRotation() {
        Simulation sim = new Simulation(small().build(), ROTATION);
        SimResult healthy = sim.run(Scenario.HEALTHY, "rotation");
        SimResult slow = sim.run(Scenario.ONE_SLOW, "rotation");
        // a quarter of the traffic on a server 10x slower (overloaded: rho = 7): p99 at least 10x worse.
        assertThat(slow.p99Millis()).isGreaterThan(10 * healthy.p99Millis());
    }

    @Test
    void failFastServerProducesErrorsThatPassiveHealthCutsOff() {
        SimResult r = new Simulation(small().build(), ROTATION).run(Scenario.FAIL_FAST, "rotation");
        assertThat(r.failures()).isPositive();
        assertThat(r.firstEjectionSeconds()).isLessThan(3.0);
        // nginx defaults (max_fails=1, fail_timeout=10s): ~one probe failure per 10 s among ~2,800 requests.
        assertThat(r.errorRateAfterEjection()).isLessThan(0.01);
    }

    @Test
    void deadServerFailsRequestsUntilEjected() {
        SimResult r = new Simulation(small().build(), ROTATION).run(Scenario.DIES_AND_RECOVERS, "rotation");
        assertThat(r.failures()).isPositive();
        assertThat(r.errorRate()).isLessThan(0.01);
    }

    @Test
    void coldJoinerReceivesTrafficOnlyAfterItJoins() {
        SimResult r = new Simulation(small().build(), ROTATION).run(Scenario.COLD_JOIN, "rotation");
        // joins at 30% of a 60 s run and then gets a quarter: about 0.7 * 0.25 / (0.3 + 0.7) of the total...
        assertThat(r.share("s3")).isBetween(0.10, 0.24);
    }

    @Test
    void rejectsWarmupNotShorterThanTheRun() {
        assertThatThrownBy(() -> SimConfig.custom().durationSeconds(10).warmupSeconds(10).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("warmupSeconds").hasMessageContaining("10.0");
    }

    @Test
    void rejectsUtilisationOutOfRange() {
        assertThatThrownBy(() -> SimConfig.custom().utilisation(1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("utilisation must be in [0.01, 0.99], was 1.0");
    }

    @Test
    void parsesScenarioNames() {
        assertThat(Scenario.parse("one-slow")).isEqualTo(Scenario.ONE_SLOW);
        assertThatThrownBy(() -> Scenario.parse("meteor"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("healthy").hasMessageContaining("'meteor'");
    }

    @Test
    void aServerFailingFastGetsUnderItsFairShareFromLatencyAwareStrategiesWithoutPassiveHealth() {
        // 4 servers, s0 fails every request in 1 ms, passive health off: the failure penalty alone steers
        SimConfig config = small().build();
        Simulation sim = new Simulation(config, io.lb4j.benchmarks.StrategyCatalog::create);
        for (String strategy : new String[] {"peak-ewma", "least-request", "least-connections"}) {
            SimResult r = sim.run(Scenario.FAILS_FAST_UNGUARDED, strategy);
            assertThat(r.share("s0")).as(strategy).isLessThan(0.25);
        }
        SimResult rr = sim.run(Scenario.FAILS_FAST_UNGUARDED, "round-robin");
        assertThat(rr.share("s0")).isCloseTo(0.25, within(0.01)); // blind to failures: its full share
    }
}
