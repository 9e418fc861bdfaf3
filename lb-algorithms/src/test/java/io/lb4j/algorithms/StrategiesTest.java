package io.lb4j.algorithms;

import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrategiesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "round-robin, round-robin", "rr, round-robin",
            "weighted-round-robin, weighted-round-robin", "wrr, weighted-round-robin",
            "random, random",
            "least-connections, least-connections", "lc, least-connections", "least_conn, weighted-least-connections",
            "weighted-least-connections, weighted-least-connections", "wlc, weighted-least-connections",
            "shortest-expected-delay, shortest-expected-delay", "sed, shortest-expected-delay",
            "never-queue, never-queue", "nq, never-queue",
            "least-request, least-request",
            "locality-least-connections, locality-least-connections", "lblc, locality-least-connections",
            "locality-least-connections-replicated, locality-least-connections-replicated",
            "lblcr, locality-least-connections-replicated",
            "destination-hash, destination-hash", "dh, destination-hash", "hash, destination-hash",
            "source-hash, source-hash", "sh, source-hash", "ip_hash, source-hash",
            "peak-ewma, peak-ewma", "p2c-ewma, peak-ewma",
            "reported-load-round-robin, reported-load-round-robin", "orca-wrr, reported-load-round-robin",
            "reported-load-least-request, reported-load-least-request", "orca-p2c, reported-load-least-request"})
    void nameOrAliasGivesTheStrategyWithThatCanonicalName(String name, String canonical) {
        assertThat(Strategies.byName(name).name()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"WLC", "Round-Robin", "  sed  ", "LEAST_CONN"})
    void namesAreCaseInsensitiveAndTrimmed(String name) {
        assertThat(Strategies.isKnown(name)).isTrue();
        assertThat(Strategies.byName(name)).isNotNull();
    }

    @Test
    void everyCallReturnsANewInstance() {
        Strategy first = Strategies.byName("rr");
        Strategy second = Strategies.byName("rr");
        assertThat(first).isNotSameAs(second);
    }

    @Test
    void namesListsTheCanonicalNamesInOrder() {
        assertThat(Strategies.names()).containsExactly("round-robin", "weighted-round-robin", "random",
                "least-connections", "weighted-least-connections", "shortest-expected-delay", "never-queue",
                "least-request", "locality-least-connections", "locality-least-connections-replicated",
                "destination-hash", "source-hash", "peak-ewma", "reported-load-round-robin",
                "reported-load-least-request");
    }

    @Test
    void everyCanonicalNameBuildsAStrategyOfThatName() {
        for (String name : Strategies.names()) {
            assertThat(Strategies.byName(name).name()).isEqualTo(name);
        }
    }

    @Test
    void namesIsUnmodifiable() {
        assertThatThrownBy(() -> Strategies.names().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void unknownNameFailsListingTheValidNames() {
        assertThatThrownBy(() -> Strategies.byName("fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("strategy name must be one of round-robin, rr, weighted-round-robin")
                .hasMessageContaining("least-request")
                .hasMessageEndingWith("was 'fastest'");
    }

    @Test
    void nullNameFailsListingTheValidNames() {
        assertThatThrownBy(() -> Strategies.byName(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never-queue, nq")
                .hasMessageEndingWith("was null");
    }

    @Test
    void unknownNameIsNotKnown() {
        assertThat(Strategies.isKnown("fastest")).isFalse();
        assertThat(Strategies.isKnown(null)).isFalse();
    }
}
