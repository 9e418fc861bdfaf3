package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.ManualTicker;
import io.lb4j.api.PickContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.lb4j.algorithms.Picks.fake;
import static io.lb4j.algorithms.Picks.letters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalityStrategyTest {

    private static final LocalityConfig CONFIG =
            LocalityConfig.custom().expiry(Duration.ofSeconds(10)).maxEntries(64).build();

    @Test
    void eachSubclassHasItsNameThroughTheBase() {
        List<LocalityStrategy> all = List.of(new LocalityLeastConnections(CONFIG, new ManualTicker()),
                new LocalityLeastConnectionsReplicated(CONFIG, new ManualTicker()));
        assertThat(all).extracting(LocalityStrategy::name)
                .containsExactly("locality-least-connections", "locality-least-connections-replicated");
    }

    @Test
    void keepsTheConfigItWasGiven() {
        assertThat(new LocalityLeastConnectionsReplicated(CONFIG, new ManualTicker()).config()).isSameAs(CONFIG);
    }

    @Test
    void toStringIsNameAndConfig() {
        assertThat(new LocalityLeastConnections(CONFIG, new ManualTicker()))
                .hasToString("locality-least-connections(LocalityConfig[expiry=PT10S, maxEntries=64])");
    }

    @Test
    void nullConfigIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new LocalityLeastConnections(null, new ManualTicker()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("config must not be null");
    }

    @Test
    void nullTickerIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new LocalityLeastConnectionsReplicated(CONFIG, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ticker must not be null");
    }

    @Test
    void emptyEndpointListIsRefused() {
        assertThatThrownBy(() -> new LocalityLeastConnections(CONFIG, new ManualTicker()).newPicker(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pickerToStringCountsEndpoints() {
        assertThat(new LocalityLeastConnections(CONFIG, new ManualTicker()).newPicker(letters(1, 1, 1)))
                .hasToString("LblcPicker[3 endpoints]");
    }

    @Test
    void theKeyTableSurvivesARepublish() {
        LocalityLeastConnections strategy = new LocalityLeastConnections(CONFIG, new ManualTicker());
        List<Endpoint> es = letters(2, 2);
        Endpoint first = strategy.newPicker(es).pick(PickContext.ofKey("k"));
        int other = es.indexOf(first) == 0 ? 1 : 0;
        // the remembered server is busier now (but not overloaded): a fresh wlc pick would take the other
        fake(es, es.indexOf(first)).inFlight(1);
        assertThat(strategy.newPicker(es).pick(PickContext.none())).isSameAs(es.get(other));
        assertThat(strategy.newPicker(es).pick(PickContext.ofKey("k"))).isSameAs(first);
    }

    @Test
    void aKeyIdleLongerThanTheExpiryIsForgotten() {
        ManualTicker ticker = new ManualTicker();
        LocalityLeastConnections strategy = new LocalityLeastConnections(CONFIG, ticker);
        List<Endpoint> es = letters(2, 2);
        Endpoint first = strategy.newPicker(es).pick(PickContext.ofKey("k"));
        int other = es.indexOf(first) == 0 ? 1 : 0;
        fake(es, es.indexOf(first)).inFlight(1);
        ticker.advance(Duration.ofSeconds(11));
        assertThat(strategy.newPicker(es).pick(PickContext.ofKey("k"))).isSameAs(es.get(other));
    }
}
