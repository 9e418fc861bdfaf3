package io.lb4j.algorithms;

import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class DestinationHashTest extends AbstractHashStrategyTest {

    @Override
    Strategy strategy(HashingConfig config, RandomGenerator random) {
        return new DestinationHash(config, random);
    }

    @Override
    String expectedName() {
        return "destination-hash";
    }

    @Test
    void defaultsToMaglevWith65537Slots() {
        assertThat(new DestinationHash().config().table()).isEqualTo(HashingConfig.Table.MAGLEV);
        assertThat(new DestinationHash().config().maglevTableSize()).isEqualTo(65_537);
    }
}
