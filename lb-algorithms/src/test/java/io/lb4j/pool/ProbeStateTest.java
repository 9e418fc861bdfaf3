package io.lb4j.pool;

import io.lb4j.api.HealthCheckResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** HAProxy's rise and fall counting for one server. */
class ProbeStateTest {
    private static final HealthCheckResult PASS = HealthCheckResult.pass("ok");
    private static final HealthCheckResult FAIL = HealthCheckResult.fail("down");

    @Test
    void fallConsecutiveFailuresTakeItDownAndRisePassesBringItBack() {
        ProbeState p = new ProbeState();
        assertThat(p.apply(FAIL, 2, 3, 1)).isEqualTo(ProbeState.Change.NONE);
        assertThat(p.apply(FAIL, 2, 3, 2)).isEqualTo(ProbeState.Change.NONE);
        assertThat(p.apply(FAIL, 2, 3, 3)).isEqualTo(ProbeState.Change.FELL);
        assertThat(p.down()).isTrue();
        assertThat(p.since()).isEqualTo(3);
        assertThat(p.apply(PASS, 2, 3, 4)).isEqualTo(ProbeState.Change.NONE);
        assertThat(p.apply(PASS, 2, 3, 5)).isEqualTo(ProbeState.Change.ROSE);
        assertThat(p.down()).isFalse();
        assertThat(p.detail()).isEqualTo("ok");
    }

    @Test
    void aFailureInBetweenRestartsTheCount() {
        ProbeState p = new ProbeState();
        p.apply(FAIL, 2, 2, 0);
        p.apply(PASS, 2, 2, 1);
        assertThat(p.apply(FAIL, 2, 2, 2)).isEqualTo(ProbeState.Change.NONE);
        assertThat(p.apply(FAIL, 2, 2, 3)).isEqualTo(ProbeState.Change.FELL);
    }

    @Test
    void passesCountFromAResetSoAPassiveEjectionNeedsFreshProbes() {
        ProbeState p = new ProbeState();
        p.apply(PASS, 2, 3, 0);
        p.apply(PASS, 2, 3, 1);
        assertThat(p.passes()).isEqualTo(2);
        p.resetPasses();
        assertThat(p.passes()).isZero();
    }
}
