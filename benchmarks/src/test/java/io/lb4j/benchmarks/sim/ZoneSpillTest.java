package io.lb4j.benchmarks.sim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ZoneSpillTest {

    @Test
    void halfTheLocalZoneLostKeepsSixtyPercentLocal() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        double[] local = ZoneSpill.run(4, 20_000, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(local[0]).isEqualTo(1.0);
        assertThat(local[2]).isCloseTo(0.6, within(0.02)); // 2 of 4 up: 60% stay, 20% to each other zone
        assertThat(local[4]).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| 2 of 4 | 60.0% / 20.0% / 20.0% |");
    }
}
