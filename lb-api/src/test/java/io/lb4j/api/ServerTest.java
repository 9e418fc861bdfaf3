package io.lb4j.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerTest {

    @Test
    void idDefaultsToHostAndPort() {
        assertThat(Server.of("10.0.0.1", 8080).id()).isEqualTo("10.0.0.1:8080");
    }

    @Test
    void ipv6IdIsBracketed() {
        assertThat(Server.of("::1", 80).address()).isEqualTo("[::1]:80");
    }

    @Test
    void equalityIsById() {
        Server a = Server.builder("h1", 1).id("x").weight(3).build();
        Server b = Server.builder("h2", 2).id("x").weight(1).build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Server.builder("h1", 1).id("y").build());
    }

    @Test
    void portZeroIsRejectedNamingTheField() {
        assertThatThrownBy(() -> Server.of("h", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port must be in [1, 65535], was 0");
    }

    @Test
    void portAbove65535IsRejected() {
        assertThatThrownBy(() -> Server.of("h", 65536)).hasMessageContaining("port").hasMessageContaining("65536");
    }

    @Test
    void blankHostIsRejected() {
        assertThatThrownBy(() -> Server.of(" ", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("host must be a DNS name").hasMessageEndingWith("was ' '");
    }

    @Test
    void nullHostIsRejectedWithoutNullPointerException() {
        assertThatThrownBy(() -> Server.of(null, 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host must not be null");
    }

    @Test
    void hostWithWhitespaceIsRejected() {
        assertThatThrownBy(() -> Server.of("a b", 80)).hasMessageContaining("host must be a DNS name")
                .hasMessageContaining("IPv4 literal").hasMessageContaining("IPv6 literal").hasMessageEndingWith("was 'a b'");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"a/b@c", "h?x#y", "a\u0000b", "\ud800", "[::1]", "zz::zz",
            "1.2.3.999", "010.0.0.1", "-a.example", "a_b", "a..b", "::1%eth0", "h\u0663"})
    void hostThatIsNeitherANameNorAnAddressIsRejected(String host) {
        assertThatThrownBy(() -> Server.of(host, 80)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("host must be a DNS name");
    }

    @Test
    void hugeHostIsEchoedOnlyAsAShortEscapedPrefix() {
        String host = "x".repeat(100_000) + "\u0000";
        assertThatThrownBy(() -> Server.of(host, 80))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400)
                        .endsWith("was 'xxxxxxxxxxxxxxxxxxxxxxxx'... (100001 characters)"));
        assertThatThrownBy(() -> Server.of("a\u0000b", 80)).hasMessageEndingWith("was 'a\\u0000b'");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"a", "s1", "h", "localhost", "db-1.eu.example.com",
            "example.com.", "10.0.0.1", "::1", "2001:db8::1", "::ffff:192.0.2.1", "1a.example"})
    void namesAndLiteralsAreAccepted(String host) {
        assertThat(Server.of(host, 80).host()).isEqualTo(host);
    }

    @Test
    void negativeWeightIsRejected() {
        assertThatThrownBy(() -> Server.builder("h", 80).weight(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("weight must be in [0, 1000000], was -1");
    }

    @Test
    void zeroWeightMeansQuiescedAndIsAllowed() {
        assertThat(Server.builder("h", 80).weight(0).build().weight()).isZero();
    }

    @Test
    void withWeightKeepsEverythingElse() {
        Server s = Server.builder("h", 80).id("a").backup(true).zone("z1").metadata("k", "v")
                .maxFails(3).failTimeout(Duration.ofSeconds(30)).slowStart(Duration.ofSeconds(10)).build();
        Server t = s.withWeight(7);
        assertThat(t.weight()).isEqualTo(7);
        assertThat(t.id()).isEqualTo("a");
        assertThat(t.backup()).isTrue();
        assertThat(t.zone()).contains("z1");
        assertThat(t.metadata()).containsEntry("k", "v");
        assertThat(t.maxFails()).hasValue(3);
        assertThat(t.failTimeout()).contains(Duration.ofSeconds(30));
        assertThat(t.slowStart()).contains(Duration.ofSeconds(10));
    }

    @Test
    void metadataIsUnmodifiable() {
        Server s = Server.builder("h", 80).metadata("k", "v").build();
        assertThatThrownBy(() -> s.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void zeroFailTimeoutIsRejected() {
        assertThatThrownBy(() -> Server.builder("h", 80).failTimeout(Duration.ZERO))
                .hasMessage("failTimeout must be a positive duration, was PT0S");
    }

    @Test
    void hugeDurationsAreRejectedWithoutArithmeticOverflow() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThatThrownBy(() -> Server.builder("h", 80).failTimeout(huge))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("failTimeout must be in [1ms, 1d], was PT");
        assertThatThrownBy(() -> Server.builder("h", 80).slowStart(huge))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("slowStart must be in [0, 1h], was PT");
    }

    @Test
    void toStringShowsIdWeightAndFlags() {
        assertThat(Server.builder("h", 80).weight(2).backup(true).build().toString())
                .isEqualTo("Server[h:80 weight=2 backup]");
    }
}
