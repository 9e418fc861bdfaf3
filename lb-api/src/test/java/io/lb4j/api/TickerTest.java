package io.lb4j.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TickerTest {

    @Test
    void systemTickerNeverGoesBackwards() {
        Ticker t = Ticker.system();
        long a = t.read();
        long b = t.read();
        assertThat(b).isGreaterThanOrEqualTo(a);
    }

    @Test
    void healthListenerIsAFunctionalInterfaceReceivingEvents() {
        HealthEvent[] seen = new HealthEvent[1];
        HealthListener l = e -> seen[0] = e;
        HealthEvent e = new HealthEvent("p", Server.of("h", 1), HealthEvent.Kind.STATE_CHANGED, HealthState.UP,
                HealthState.EJECTED, "max_fails", 0);
        l.onEvent(e);
        assertThat(seen[0]).isSameAs(e);
        assertThat(e.toString()).isEqualTo("pool 'p' h:1: STATE_CHANGED UP -> EJECTED (max_fails)");
    }
}
