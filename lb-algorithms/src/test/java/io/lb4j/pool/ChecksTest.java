package io.lb4j.pool;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChecksTest {

    @Test
    void messagesNameTheValueAndTheRange() {
        assertThatThrownBy(() -> Checks.inRange("rise", 0, 1, 10)).hasMessage("rise must be in [1, 10], was 0");
        assertThatThrownBy(() -> Checks.inRange("x", Double.NaN, 0.0, 1.0)).hasMessage("x must be in [0.0, 1.0], was NaN");
        assertThatThrownBy(() -> Checks.notBlank("name", null)).hasMessage("name must not be blank, was null");
        assertThatThrownBy(() -> Checks.positive("d", Duration.ZERO)).hasMessage("d must be a positive duration, was PT0S");
        assertThatThrownBy(() -> Checks.nonNegative("d", Duration.ofSeconds(-1))).hasMessage("d must not be negative, was PT-1S");
        assertThatThrownBy(() -> Checks.notNull("p", null)).hasMessage("p must not be null");
    }

    @Test
    void validValuesPassThrough() {
        assertThat(Checks.inRange("x", 5, 1, 10)).isEqualTo(5);
        assertThat(Checks.nonNegative("d", Duration.ZERO)).isZero();
        assertThat(Checks.notBlank("n", "a")).isEqualTo("a");
    }
}
