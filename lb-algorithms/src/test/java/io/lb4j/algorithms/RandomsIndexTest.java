package io.lb4j.algorithms;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RandomsIndexTest {

    @Test
    void theExtremeBitsMapToTheEndsOfTheRange() {
        assertThat(Randoms.index(0, 1000)).isZero();
        assertThat(Randoms.index(-1, 1000)).isEqualTo(999); // 0xFFFFFFFF, the largest unsigned value
        assertThat(Randoms.index(Integer.MIN_VALUE, 1000)).isEqualTo(500);
        assertThat(Randoms.index(-1, 1)).isZero();
        assertThat(Randoms.unit(0)).isZero();
        assertThat(Randoms.unit(-1)).isLessThan(1.0);
    }

    @Test
    void indicesAreUniform() {
        // seed 7, 1.4 million draws over 7 values: each within 1% of 200,000 (about 5 standard deviations)
        SplittableRandom random = new SplittableRandom(7);
        int[] counts = new int[7];
        for (int i = 0; i < 1_400_000; i++) {
            counts[Randoms.index(random.nextInt(), 7)]++;
        }
        for (int c : counts) {
            assertThat((double) c).isCloseTo(200_000, within(2_000.0));
        }
    }
}
