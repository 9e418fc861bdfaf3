package io.lb4j.jdbc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Strategies4JdbcTest {

    @ParameterizedTest
    @ValueSource(strings = {"wlc", "rr", "peak-ewma", "least-request", "random"})
    void loadAndRotationStrategiesAreAccepted(String name) {
        assertThat(Strategies4Jdbc.byName(name)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "dh", "ip_hash", "lblc", "lblcr"})
    void keyBasedStrategiesAreRefusedListingTheAllowedOnes(String name) {
        assertThatThrownBy(() -> Strategies4Jdbc.byName(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("picks by a request key").hasMessageContaining("allowed: round-robin")
                .hasMessageNotContaining("allowed: destination-hash");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fastest", " "})
    void unknownNamesFailNamingTheValidOnes(String name) {
        assertThatThrownBy(() -> Strategies4Jdbc.byName(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strategy name must be one of");
    }
}
