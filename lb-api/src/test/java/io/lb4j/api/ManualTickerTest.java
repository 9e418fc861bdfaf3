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
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration must not be negative");
    }
}
