package io.lb4j.pool;

import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.lb4j.pool.PoolFixture.server;
import static org.assertj.core.api.Assertions.assertThat;

/** nginx's max_fails/fail_timeout for one member, without a pool: verdicts, probation and its one trial. */
class NginxPassiveTrackerTest {
    private static final long SECOND = 1_000_000_000L;
    private final List<String> changes = new ArrayList<>();
    private final Member member = new Member(server("a"), new ManualTicker(), SECOND, 1);
    private final NginxPassiveTracker tracker = new NginxPassiveTracker(member,
            PassiveHealth.nginx(2, Duration.ofSeconds(10)), changes::add);

    @Test
    void maxFailsWithinTheWindowEjectAsAnOutlierOrHardFailure() {
        tracker.onFailure(new IOException("HTTP 500"), 0, 0);
        assertThat(tracker.verdict()).isEqualTo(PassiveTracker.Verdict.NONE);
        tracker.onFailure(new IOException("HTTP 500"), 0, SECOND);
        assertThat(tracker.verdict()).isEqualTo(PassiveTracker.Verdict.OUTLIER);
        assertThat(changes).singleElement().asString().startsWith("2 failures within PT10S (max_fails=2)");

        NginxPassiveTracker other = new NginxPassiveTracker(member, PassiveHealth.nginx(1, Duration.ofSeconds(10)), r -> { });
        other.onFailure(new ConnectException("refused"), 0, 0);
        assertThat(other.verdict()).isEqualTo(PassiveTracker.Verdict.HARD);
    }

    @Test
    void failuresFurtherApartThanTheWindowDoNotAddUp() {
        tracker.onFailure(new IOException("x"), 0, 0);
        tracker.onFailure(new IOException("x"), 0, 11 * SECOND);
        assertThat(tracker.verdict()).isEqualTo(PassiveTracker.Verdict.NONE);
    }

    @Test
    void afterFailTimeoutOneTrialAtATimeThenASuccessRestoresFully() {
        tracker.onFailure(new IOException("x"), 0, 0);
        tracker.onFailure(new IOException("x"), 0, 0);
        assertThat(tracker.deadline(0)).isEqualTo(10 * SECOND);
        tracker.advance(10 * SECOND);
        assertThat(tracker.verdict()).isEqualTo(PassiveTracker.Verdict.NONE);
        assertThat(tracker.gated()).isTrue();
        assertThat(tracker.tryAcquirePermission()).isTrue();
        assertThat(tracker.tryAcquirePermission()).isFalse(); // one trial at a time
        tracker.onSuccess(0, 10 * SECOND);
        assertThat(tracker.gated()).isFalse();
        assertThat(changes).last().isEqualTo("trial call succeeded after fail_timeout");
    }

    @Test
    void aFailedTrialEjectsAgainAtOnceAndADroppedOneFreesThePermit() {
        tracker.onFailure(new IOException("x"), 0, 0);
        tracker.onFailure(new IOException("x"), 0, 0);
        tracker.advance(10 * SECOND);
        assertThat(tracker.tryAcquirePermission()).isTrue();
        tracker.onDrop(true);
        assertThat(tracker.tryAcquirePermission()).isTrue();
        tracker.onFailure(new IOException("again"), 0, 10 * SECOND);
        assertThat(tracker.verdict()).isEqualTo(PassiveTracker.Verdict.OUTLIER);
        assertThat(tracker.reason()).startsWith("failed again after fail_timeout");
    }
}
