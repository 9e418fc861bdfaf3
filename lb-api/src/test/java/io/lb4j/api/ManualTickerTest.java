package io.lb4j.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManualTickerTest {

    @Test
    void advancesOnlyWhenTold() {
        ManualTicker t = new ManualTicker(0);
        assertThat(t.read()).isZero();
        t.advance(Duration.ofMillis(5)).advanceMillis(2);
        assertThat(t.read()).isEqualTo(7_000_000L);
    }

    @Test
    void negativeAdvanceIsRejected() {
        assertThatThrownBy(() -> new ManualTicker().advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("duration must be in [0, PT876000H], was PT-1S");
    }

    @Test
    void hugeStepsAreRejectedWithoutArithmeticOverflow() {
        assertThatThrownBy(() -> new ManualTicker().advance(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration must be in [0, PT876000H]");
        assertThatThrownBy(() -> new ManualTicker().advanceMillis(Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("millis must be in [0, ");
    }
}
