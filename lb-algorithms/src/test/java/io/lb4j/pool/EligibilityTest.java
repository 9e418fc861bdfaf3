package io.lb4j.pool;

import io.lb4j.api.HealthState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure eligibility function: tiers, backup, panic and the ejection cap, without a pool. */
class EligibilityTest {

    private static Eligibility.Facts up() {
        return new Eligibility.Facts(false, false, false, false, false, 0, false, false);
    }

    private static Eligibility.Facts hard() {
        return new Eligibility.Facts(false, false, false, true, false, 0, false, false);
    }

    private static Eligibility.Facts activeDown() {
        return new Eligibility.Facts(false, false, true, false, false, 0, false, false);
    }

    private static Eligibility.Facts outlier(long since) {
        return new Eligibility.Facts(false, false, false, false, true, since, false, false);
    }

    private static Eligibility.Facts backup() {
        return new Eligibility.Facts(false, false, false, false, false, 0, true, false);
    }

    private static Eligibility.Facts failedBackup(boolean hard) {
        return new Eligibility.Facts(false, false, false, hard, !hard, 0, true, false);
    }

    private static List<Eligibility.Facts> list(Eligibility.Facts... f) {
        return new ArrayList<>(List.of(f));
    }

    @Test
    void hardFailuresAreOutWhateverTheCap() {
        Eligibility.Result r = Eligibility.decide(list(hard(), hard(), up()), 50, 0);
        assertThat(r.states()).containsExactly(HealthState.EJECTED, HealthState.EJECTED, HealthState.UP);
        assertThat(r.eligible()).containsExactly(2);
    }

    @Test
    void outliersAreCappedOldestFirst() {
        Eligibility.Result r = Eligibility.decide(list(outlier(20), outlier(10), up(), up()), 50, 0);
        // 4 in play, 50% -> 2 may go
        assertThat(r.states()).containsExactly(HealthState.EJECTED, HealthState.EJECTED, HealthState.UP, HealthState.UP);
        r = Eligibility.decide(list(outlier(20), outlier(10), outlier(30), up()), 50, 0);
        assertThat(r.states()).containsExactly(HealthState.EJECTED, HealthState.EJECTED, HealthState.UP, HealthState.UP);
        assertThat(r.heldBack()).containsExactly(2);
    }

    @Test
    void theCapCountsOnlyPrimariesStillInPlay() {
        // two hard-failed, two outliers among the remaining two: 50% of 2 -> 1 ejected, the last one stays
        Eligibility.Result r = Eligibility.decide(list(hard(), hard(), outlier(1), outlier(2)), 50, 0);
        assertThat(r.states()).containsExactly(HealthState.EJECTED, HealthState.EJECTED, HealthState.EJECTED, HealthState.UP);
        assertThat(r.eligible()).containsExactly(3);
    }

    @Test
    void theLastOutlierInPlayStaysUnlessTheCapIsOneHundredPercent() {
        assertThat(Eligibility.decide(list(outlier(1), hard()), 50, 0).states())
                .containsExactly(HealthState.UP, HealthState.EJECTED);
        assertThat(Eligibility.decide(list(outlier(1), hard()), 100, 0).states())
                .containsExactly(HealthState.EJECTED, HealthState.EJECTED);
        assertThat(Eligibility.decide(list(outlier(1), up()), 0, 0).states()).containsExactly(HealthState.UP, HealthState.UP);
    }

    @Test
    void atLeastOneOutlierMayGoWhenTwoAreInPlay() {
        assertThat(Eligibility.allowedEjections(2, 10, false)).isEqualTo(1);
        assertThat(Eligibility.allowedEjections(3, 50, false)).isEqualTo(1);
        assertThat(Eligibility.allowedEjections(10, 50, false)).isEqualTo(5);
        assertThat(Eligibility.allowedEjections(1, 50, false)).isZero();
        assertThat(Eligibility.allowedEjections(1, 50, true)).isEqualTo(1); // a backup can take over
        assertThat(Eligibility.allowedEjections(0, 100, true)).isZero();
    }

    @Test
    void backupsServeWhenEveryPrimaryIsOutAndNeverCountTowardsTheCap() {
        Eligibility.Result r = Eligibility.decide(list(hard(), hard(), backup()), 50, 0);
        assertThat(r.eligible()).containsExactly(2);
        r = Eligibility.decide(list(outlier(1), outlier(2), backup(), failedBackup(false)), 100, 0);
        assertThat(r.states()).containsExactly(HealthState.EJECTED, HealthState.EJECTED, HealthState.UP, HealthState.EJECTED);
        assertThat(r.eligible()).containsExactly(2);
    }

    @Test
    void backupsAreNotPickedWhileAPrimaryIsUp() {
        Eligibility.Result r = Eligibility.decide(list(hard(), up(), backup()), 50, 0);
        assertThat(r.eligible()).containsExactly(1);
    }

    @Test
    void panicBalancesOverUpOutlierAndActivelyFailedPrimariesButNotRefusingOnes() {
        Eligibility.Result r = Eligibility.decide(list(outlier(1), hard(), up(), outlier(2), activeDown()), 100, 50);
        assertThat(r.panic()).isTrue();
        // outliers and active-check failures join (a broken health check must not empty the pool);
        // a server refusing connections does not
        assertThat(r.eligible()).containsExactly(0, 2, 3, 4);
    }

    @Test
    void panicYieldsToBackupsWhenNoPrimaryIsUp() {
        Eligibility.Result r = Eligibility.decide(list(outlier(1), outlier(2), backup()), 100, 50);
        assertThat(r.panic()).isFalse();
        assertThat(r.eligible()).containsExactly(2);
    }

    @Test
    void downDrainingAndQuiescedAreNeverEligible() {
        List<Eligibility.Facts> f = list(new Eligibility.Facts(true, false, false, false, false, 0, false, false),
                new Eligibility.Facts(false, true, false, false, false, 0, false, false),
                new Eligibility.Facts(false, false, false, false, false, 0, false, true));
        Eligibility.Result r = Eligibility.decide(f, 50, 0);
        assertThat(r.states()).containsExactly(HealthState.DOWN, HealthState.DRAINING, HealthState.UP);
        assertThat(r.empty()).isTrue();
        assertThat(r.emptyDetail()).isEqualTo("of 3 servers, 1 down, 1 draining, 1 quiesced (weight 0)");
    }

    @Test
    void anEmptyListSaysSo() {
        assertThat(Eligibility.decide(list(), 50, 0).emptyDetail()).isEqualTo("the pool has no servers");
        assertThat(Eligibility.decide(list(hard(), hard()), 50, 0).emptyDetail()).isEqualTo("all 2 servers are ejected");
    }

    @Test
    void theOnlyServerOfAPoolWithoutBackupsIsNeverEjectedByPassiveHealth() {
        assertThat(Eligibility.decide(list(hard()), 100, 0).states()).containsExactly(HealthState.UP);
        assertThat(Eligibility.decide(list(outlier(1)), 100, 0).states()).containsExactly(HealthState.UP);
        assertThat(Eligibility.decide(list(activeDown()), 100, 0).states()).containsExactly(HealthState.EJECTED);
        assertThat(Eligibility.decide(list(hard(), backup()), 100, 0).states())
                .containsExactly(HealthState.EJECTED, HealthState.UP);
    }

    @Test
    void aSingleOutlierPrimaryFailsOverToAHealthyBackup() {
        Eligibility.Result r = Eligibility.decide(list(outlier(1), backup()), 50, 0);
        assertThat(r.states()).containsExactly(HealthState.EJECTED, HealthState.UP);
        assertThat(r.eligible()).containsExactly(1);
    }
}
