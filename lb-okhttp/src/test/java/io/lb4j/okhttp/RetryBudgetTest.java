package io.lb4j.okhttp;

import io.lb4j.api.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {
    private final ManualTicker ticker = new ManualTicker();

    private RetryBudget budget(double percent, int minPerSecond, int ttlSeconds) {
        return new RetryBudget("orders", RetryBudgetConfig.custom().percentCanRetry(percent)
                .minRetriesPerSecond(minPerSecond).ttl(Duration.ofSeconds(ttlSeconds)).build(), ticker);
    }

    private static int withdrawAll(RetryBudget b) {
        int n = 0;
        while (b.tryWithdraw()) {
            n++;
        }
        return n;
    }

    @Test
    void retriesMayAddAtMostTheConfiguredShareOfRequests() {
        RetryBudget b = budget(0.2, 0, 10);
        for (int i = 0; i < 10; i++) {
            b.deposit();
        }
        assertThat(withdrawAll(b)).isEqualTo(2); // 20% of 10 requests
    }

    @Test
    void reserveAllowsMinRetriesPerSecondTimesTtlWithoutAnyTraffic() {
        RetryBudget b = budget(0.2, 2, 5);
        assertThat(withdrawAll(b)).isEqualTo(10); // 2/s over 5 s
    }

    @Test
    void creditsExpireAfterTheTtl() {
        RetryBudget b = budget(1.0, 0, 10);
        for (int i = 0; i < 5; i++) {
            b.deposit();
        }
        ticker.advance(Duration.ofSeconds(10));
        assertThat(b.available()).isZero();
    }

    @Test
    void creditsWithinTheTtlStillCount() {
        RetryBudget b = budget(1.0, 0, 10);
        for (int i = 0; i < 5; i++) {
            b.deposit();
        }
        ticker.advance(Duration.ofSeconds(8));
        assertThat(b.available()).isEqualTo(5);
    }

    @Test
    void debitsExpireAfterTheTtlSoTheReserveComesBack() {
        RetryBudget b = budget(0, 1, 3);
        assertThat(withdrawAll(b)).isEqualTo(3);
        ticker.advance(Duration.ofSeconds(3));
        assertThat(b.available()).isEqualTo(3);
    }

    @Test
    void refundGivesBackAToken() {
        RetryBudget b = budget(0, 1, 1);
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.tryWithdraw()).isFalse();
        b.refund();
        assertThat(b.tryWithdraw()).isTrue();
    }

    @Test
    void zeroPercentAndZeroReserveNeverAllowsARetry() {
        RetryBudget b = budget(0, 0, 10);
        for (int i = 0; i < 1000; i++) {
            b.deposit();
        }
        assertThat(b.tryWithdraw()).isFalse();
    }

    @Test
    void sustainedExhaustionIsReportedOnceNotOnEveryFewRequests() {
        RetryBudget b = budget(0.2, 1, 10); // reserve 10 tokens, 20% of the requests
        withdrawAll(b);
        assertThat(b.transitions()).isEqualTo(1); // exhausted
        int retried = 0;
        for (int i = 0; i < 500; i++) { // every request fails and asks for a retry, 100 per second
            b.deposit();
            if (b.tryWithdraw()) {
                retried++;
            }
            ticker.advance(Duration.ofMillis(10));
        }
        assertThat(retried).isEqualTo(100); // every fifth request may retry
        assertThat(b.transitions()).isEqualTo(1); // still reported exhausted, no "available again" flapping

        ticker.advance(Duration.ofSeconds(10)); // the debits expire: the budget has recovered
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.transitions()).isEqualTo(2); // available again
    }

    @Test
    void budgetWithoutReserveReportsAtMostTwicePerTtl() {
        RetryBudget b = budget(0.2, 0, 10);
        b.tryWithdraw();
        for (int i = 0; i < 600; i++) { // 60 s of sustained failures, 10 requests per second
            b.deposit();
            b.tryWithdraw();
            ticker.advance(Duration.ofMillis(100));
        }
        assertThat(b.transitions()).isBetween(1L, 13L); // was one pair every five requests (240)
    }
}
