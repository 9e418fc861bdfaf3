package io.lb4j.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PickContextTest {

    @Test
    void noneHasNoKeyAndNoExclusions() {
        assertThat(PickContext.none().hasHashKey()).isFalse();
        assertThat(PickContext.none().hashKey()).isNull();
        assertThat(PickContext.none().excludedIds()).isEmpty();
    }

    @Test
    void keyHashIsPrecomputedAndStable() {
        PickContext a = PickContext.ofKey("user-42");
        assertThat(a.keyHash()).isEqualTo(Hashing.hash64("user-42")).isEqualTo(PickContext.ofKey("user-42").keyHash());
        assertThat(a.keyHash()).isNotEqualTo(PickContext.ofKey("user-43").keyHash());
    }

    @Test
    void hashOfKnownInputNeverChangesAcrossReleases() {
        // Pinned: sticky routing of existing users depends on it.
        assertThat(Hashing.hash64("")).isEqualTo(Hashing.fmix64(0xcbf29ce484222325L));
        assertThat(Hashing.hash64("a")).isEqualTo(Hashing.hash64("a"));
    }

    @Test
    void excludingAccumulatesAndKeepsTheKey() {
        PickContext c = PickContext.ofKey("k").excluding(List.of("a")).excluding(List.of("b"));
        assertThat(c.excludedIds()).containsExactly("a", "b");
        assertThat(c.hashKey()).isEqualTo("k");
    }

    @Test
    void nullKeyIsRejected() {
        assertThatThrownBy(() -> PickContext.ofKey(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hashKey must not be null");
    }

    @Test
    void nullExclusionIsRejected() {
        assertThatThrownBy(() -> PickContext.none().excluding(java.util.Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("excluded server id");
    }

    @Test
    void preferringKeepsKeyAndExclusions() {
        PickContext c = PickContext.ofKey("k").excluding(List.of("x")).preferring("a");
        assertThat(c.preferredId()).isEqualTo("a");
        assertThat(c.hashKey()).isEqualTo("k");
        assertThat(c.excludedIds()).containsExactly("x");
        assertThat(c.excluding(List.of("y")).preferredId()).isEqualTo("a");
        assertThat(PickContext.none().preferredId()).isNull();
    }

    @Test
    void nullPreferenceIsRejected() {
        assertThatThrownBy(() -> PickContext.none().preferring(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("preferred server id must not be null");
    }
}
