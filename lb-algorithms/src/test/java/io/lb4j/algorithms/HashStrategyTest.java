package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.lb4j.algorithms.Picks.letters;
import static io.lb4j.algorithms.Picks.startingAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashStrategyTest {

    private static final HashingConfig KETAMA = HashingConfig.custom().table(HashingConfig.Table.KETAMA).build();

    @Test
    void destinationHashHasItsNameThroughTheBase() {
        HashStrategy s = new DestinationHash(HashingConfig.ofDefaults(), startingAt(0));
        assertThat(s.name()).isEqualTo("destination-hash");
    }

    @Test
    void sourceHashHasItsNameThroughTheBase() {
        HashStrategy s = new SourceHash(HashingConfig.ofDefaults(), startingAt(0));
        assertThat(s.name()).isEqualTo("source-hash");
    }

    @Test
    void keepsTheConfigItWasGiven() {
        assertThat(new SourceHash(KETAMA, startingAt(0)).config()).isSameAs(KETAMA);
    }

    @Test
    void neverReadsLoad() {
        assertThat(new DestinationHash(KETAMA, startingAt(0)).readsLoad()).isFalse();
    }

    @Test
    void toStringIsNameAndConfig() {
        assertThat(new DestinationHash(HashingConfig.ofDefaults(), startingAt(0)))
                .hasToString("destination-hash(HashingConfig[MAGLEV, tableSize=65537])");
    }

    @Test
    void nullConfigIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new SourceHash(null, startingAt(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("config must not be null");
    }

    @Test
    void nullRandomIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new DestinationHash(KETAMA, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("random must not be null");
    }

    @Test
    void sameKeyGoesToTheSameEndpointAcrossPickersOfEitherSubclass() {
        List<Endpoint> endpoints = letters(1, 1, 1, 1);
        Picker dh = new DestinationHash(KETAMA, startingAt(0)).newPicker(endpoints);
        Picker sh = new SourceHash(KETAMA, startingAt(0)).newPicker(endpoints);
        for (int i = 0; i < 50; i++) {
            PickContext key = PickContext.ofKey("user-" + i);
            assertThat(sh.pick(key)).as("key user-%d", i).isSameAs(dh.pick(key));
        }
    }

    @Test
    void emptyEndpointListIsRefused() {
        assertThatThrownBy(() -> new SourceHash(KETAMA, startingAt(0)).newPicker(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
