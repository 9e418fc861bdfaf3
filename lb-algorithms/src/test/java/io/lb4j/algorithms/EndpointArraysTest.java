package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointArraysTest {

    @Test
    void copyKeepsListOrder() {
        List<Endpoint> list = FakeEndpoint.weighted(1, 2, 3);
        assertThat(EndpointArrays.copy(list)).containsExactlyElementsOf(list);
    }

    @Test
    void nullEmptyAndNullElementsAreNamed() {
        assertThatThrownBy(() -> EndpointArrays.copy(null)).hasMessage("endpoints must not be null");
        assertThatThrownBy(() -> EndpointArrays.copy(List.of())).hasMessageStartingWith("endpoints must not be empty");
        List<Endpoint> withNull = new ArrayList<>(FakeEndpoint.weighted(1));
        withNull.add(null);
        assertThatThrownBy(() -> EndpointArrays.copy(withNull)).hasMessage("endpoints[1] must not be null");
    }

    @Test
    void weightsMustBeFiniteAndPositive() {
        Endpoint[] zero = {FakeEndpoint.of("a", 1), FakeEndpoint.of("b", 1).weight(0)};
        assertThatThrownBy(() -> EndpointArrays.weights(zero))
                .hasMessage("endpoints[1] (b) weight must be a finite number > 0, was 0.0");
        Endpoint[] nan = {FakeEndpoint.of("a", 1).weight(Double.NaN)};
        assertThatThrownBy(() -> EndpointArrays.weights(nan)).hasMessageContaining("was NaN");
        assertThat(EndpointArrays.weights(new Endpoint[] {FakeEndpoint.of("a", 3)})).containsExactly(3.0);
    }

    @Test
    void checkedArrayPrefixesTheStrategyAndRejectsDuplicateIds() {
        List<Endpoint> dup = List.of(FakeEndpoint.of("a", 1), FakeEndpoint.of("a", 2));
        assertThatThrownBy(() -> EndpointArrays.checkedArray("dh", dup))
                .hasMessage("dh: endpoints must have distinct server ids, 'a' is at indexes 0 and 1");
        assertThatThrownBy(() -> EndpointArrays.checkedArray("dh", null)).hasMessage("dh: endpoints must not be null");
    }

    @Test
    void allEqualComparesEveryWeight() {
        assertThat(EndpointArrays.allEqual(new double[] {2, 2, 2})).isTrue();
        assertThat(EndpointArrays.allEqual(new double[] {2, 2, 3})).isFalse();
    }
}
