package io.lb4j.algorithms;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashingConfigTest {

    @Test
    void defaultsAreMaglev65537And1024PointsPerWeight() {
        HashingConfig c = HashingConfig.ofDefaults();
        assertThat(c.table()).isEqualTo(HashingConfig.Table.MAGLEV);
        assertThat(c.maglevTableSize()).isEqualTo(65_537);
        assertThat(c.ketamaPointsPerWeight()).isEqualTo(1_024);
        assertThat(c.ketamaMaxPoints()).isEqualTo(1 << 20);
    }

    @Test
    void acceptsPrimeTableSizesInRange() {
        assertThat(HashingConfig.custom().maglevTableSize(1_021).build().maglevTableSize()).isEqualTo(1_021);
        assertThat(HashingConfig.custom().maglevTableSize(5_000_011).build().maglevTableSize()).isEqualTo(5_000_011);
    }

    @Test
    void rejectsANonPrimeTableSizeNamingIt() {
        assertThatThrownBy(() -> HashingConfig.custom().maglevTableSize(65_536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maglevTableSize must be a prime in [1021, 5000011], was 65536 (not prime)");
    }

    @Test
    void rejectsATableSizeOutOfRange() {
        assertThatThrownBy(() -> HashingConfig.custom().maglevTableSize(1_019))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maglevTableSize must be a prime in [1021, 5000011], was 1019");
        assertThatThrownBy(() -> HashingConfig.custom().maglevTableSize(-7))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -7");
    }

    @Test
    void rejectsKetamaSettingsOutOfRange() {
        assertThatThrownBy(() -> HashingConfig.custom().ketamaPointsPerWeight(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ketamaPointsPerWeight must be in [1, 65536], was 0");
        assertThatThrownBy(() -> HashingConfig.custom().ketamaMaxPoints(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ketamaMaxPoints must be in [1024, 16777216], was 100");
        assertThatThrownBy(() -> HashingConfig.custom().table(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("table must not be null");
    }

    @Test
    void fromCopiesEverySetting() {
        HashingConfig base = HashingConfig.custom().table(HashingConfig.Table.KETAMA).maglevTableSize(1_021)
                .ketamaPointsPerWeight(160).ketamaMaxPoints(4_096).build();
        HashingConfig copy = HashingConfig.from(base).build();
        assertThat(copy.table()).isEqualTo(HashingConfig.Table.KETAMA);
        assertThat(copy.maglevTableSize()).isEqualTo(1_021);
        assertThat(copy.ketamaPointsPerWeight()).isEqualTo(160);
        assertThat(copy.ketamaMaxPoints()).isEqualTo(4_096);
    }

    @Test
    void primalityIsExact() {
        assertThat(HashingConfig.isPrime(65_537)).isTrue();
        assertThat(HashingConfig.isPrime(65_539)).isTrue();
        assertThat(HashingConfig.isPrime(1_022_121)).isFalse(); // 1011^2
        assertThat(HashingConfig.isPrime(2)).isTrue();
        assertThat(HashingConfig.isPrime(1)).isFalse();
    }
}
