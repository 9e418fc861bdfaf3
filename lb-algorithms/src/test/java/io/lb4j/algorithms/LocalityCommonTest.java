package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalityCommonTest {
    private final FakeEndpoint a = FakeEndpoint.of("a", 1);
    private final FakeEndpoint b = FakeEndpoint.of("b", 2);
    private final FakeEndpoint c = FakeEndpoint.of("c", 1);
    private final Endpoint[] all = {a, b, c};

    @Test
    void weightedLeastComparesInFlightOverWeight() {
        a.inFlight(2);
        b.inFlight(3); // 1.5
        c.inFlight(1); // 1.0, the least
        assertThat(LocalityCommon.weightedLeast(all, 0)).isSameAs(c);
    }

    @Test
    void tiesGoToTheFirstEndpointFromTheStart() {
        assertThat(LocalityCommon.weightedLeast(all, 0)).isSameAs(a);
        assertThat(LocalityCommon.weightedLeast(all, 1)).isSameAs(b);
        assertThat(LocalityCommon.weightedLeast(all, -1)).isSameAs(c); // floorMod, never negative
    }

    @Test
    void overloadedNeedsMoreThanItsWeightAndSomeoneUnderHalf() {
        a.inFlight(2);                  // 2 > weight 1
        b.inFlight(1);                  // 1 * 2 < 2? no
        c.inFlight(1);                  // no
        assertThat(LocalityCommon.overloaded(a, all)).isFalse();
        c.inFlight(0);                  // 0 * 2 < 1: someone is under half its weight
        assertThat(LocalityCommon.overloaded(a, all)).isTrue();
        assertThat(LocalityCommon.overloaded(b, all)).isFalse(); // 1 is not above weight 2
    }

    @Test
    void idIndexFindsEveryMemberAndNothingElse() {
        LocalityCommon.IdIndex index = new LocalityCommon.IdIndex(all);
        assertThat(index.indexOf("a")).isZero();
        assertThat(index.indexOf("c")).isEqualTo(2);
        assertThat(index.indexOf("zz")).isEqualTo(-1);
    }
}
