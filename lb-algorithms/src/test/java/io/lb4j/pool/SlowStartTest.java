package io.lb4j.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The slow-start ramp as a pure function: Envoy's min weight and aggression, nginx's window. */
class SlowStartTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aLinearRampStartsAtTheMinimumAndEndsAtOne() {
        SlowStart ramp = new SlowStart(10, 1.0);
        assertThat(ramp.fraction(0, 10 * SECOND)).isEqualTo(0.1);
        assertThat(ramp.fraction(5 * SECOND, 10 * SECOND)).isCloseTo(0.5, within(1e-12));
        assertThat(ramp.fraction(10 * SECOND, 10 * SECOND)).isEqualTo(1.0);
        assertThat(ramp.fraction(3 * SECOND, 0)).isEqualTo(1.0); // no window: full weight
    }

    @Test
    void aggressionBendsTheRampAsEnvoysDoes() {
        // (elapsed/window)^(1/aggression): aggression 2 at a quarter of the window gives 0.5
        assertThat(new SlowStart(1, 2.0).fraction(SECOND, 4 * SECOND)).isCloseTo(0.5, within(1e-12));
        assertThat(new SlowStart(1, 0.5).fraction(2 * SECOND, 4 * SECOND)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void aRampRepublishesInTwentyStepsAndNeverPastItsEnd() {
        long start = 0;
        long window = 20 * SECOND;
        assertThat(SlowStart.nextStep(start, window, 0)).isEqualTo(SECOND);
        assertThat(SlowStart.nextStep(start, window, 19_500_000_000L)).isEqualTo(window);
        assertThat(SlowStart.nextStep(start, 1_000, 0)).isEqualTo(1_000); // a 1 µs window: no step past its end
    }
}
