package io.lb4j.algorithms;

import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class SourceHashTest extends AbstractHashStrategyTest {

    @Override
    Strategy strategy(HashingConfig config, RandomGenerator random) {
        return new SourceHash(config, random);
    }

    @Override
    String expectedName() {
        return "source-hash";
    }

    @Test
    void defaultsToMaglevWith65537Slots() {
        assertThat(new SourceHash().config().table()).isEqualTo(HashingConfig.Table.MAGLEV);
        assertThat(new SourceHash().config().maglevTableSize()).isEqualTo(65_537);
    }
}
