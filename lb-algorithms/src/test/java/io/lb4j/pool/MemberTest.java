package io.lb4j.pool;

import io.lb4j.api.HealthState;
import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pool's live endpoint: in-flight counting and Finagle's peak EWMA. */
class MemberTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Member m = new Member(server("a", 3), ticker, Duration.ofSeconds(10).toNanos(), 1);

    @Test
    void startsUpWithItsWeightAndNoLatency() {
        assertThat(m.state()).isEqualTo(HealthState.UP);
        assertThat(m.weight()).isEqualTo(3.0);
        assertThat(m.hasLatencySample()).isFalse();
        assertThat(m.latencyNanos()).isZero();
    }

    @Test
    void inFlightCountsUpAndDown() {
        m.incrementInFlight();
        m.incrementInFlight();
        assertThat(m.decrementInFlight()).isEqualTo(1);
        assertThat(m.inFlight()).isEqualTo(1);
    }

    @Test
    void aLowerSampleIsAveragedInWithTheDecayWeight() {
        m.observe(100, ticker.read());
        ticker.advance(Duration.ofSeconds(10));
        m.observe(0, ticker.read());
        double w = Math.exp(-1);
        assertThat(m.latencyNanos()).isCloseTo(100 * w, within(1e-9)); // cost*w + 0*(1-w), read at once
    }

    @Test
    void aHigherSampleIsTakenAtOnce() {
        m.observe(10, ticker.read());
        m.observe(500, ticker.read());
        assertThat(m.latencyNanos()).isEqualTo(500.0);
    }

    @Test
    void aNewMemberHasNoPassiveVerdictAndNoPenalty() {
        assertThat(m.passive.verdict()).isEqualTo(PassiveTracker.Verdict.NONE);
        assertThat(m.probe.down()).isFalse();
        assertThat(m.consecutiveFailures()).isZero();
        assertThat(m.toString()).isEqualTo("a[UP, weight=3.0, inFlight=0]");
    }

    @Test
    void failuresCountUpToTheCapAndASuccessClearsThem() {
        for (int i = 0; i < 20; i++) {
            m.failed();
        }
        assertThat(m.consecutiveFailures()).isEqualTo(Member.MAX_PENALTY);
        m.succeeded();
        assertThat(m.consecutiveFailures()).isZero();
    }
}
