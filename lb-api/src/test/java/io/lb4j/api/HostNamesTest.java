package io.lb4j.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HostNames}: RFC 1123 names, IPv4 and IPv6 literals, nothing else. */
class HostNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "A", "s1", "1a", "localhost", "x-y.example", "example.com.", "xn--bcher-kva.example",
            "123.example", "a.b1"})
    void dnsNamesAreNames(String s) {
        assertThat(HostNames.isDnsName(s)).isTrue();
        assertThat(HostNames.isValid(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "-a", "a-", "a..b", ".a", "a_b", "a b", "a/b", "a@b", "h\u0663", "\u00e9.example",
            "1.2.3.999", "1", "a.1", "a.-b", "a.b-", "a..", "[::1]", "a\u0000"})
    void otherTextIsNotAName(String s) {
        assertThat(HostNames.isDnsName(s)).isFalse();
    }

    @Test
    void labelAndNameLengthLimits() {
        String label63 = "a".repeat(63);
        assertThat(HostNames.isDnsName(label63)).isTrue();
        assertThat(HostNames.isDnsName(label63 + "a")).isFalse();
        String name253 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
        assertThat(name253).hasSize(253);
        assertThat(HostNames.isDnsName(name253)).isTrue();
        assertThat(HostNames.isDnsName(name253 + ".")).isTrue();
        assertThat(HostNames.isDnsName(name253 + "d")).isFalse();
        assertThat(HostNames.isDnsName("a".repeat(100_000))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.0.0.1", "255.255.255.255", "192.168.1.20"})
    void ipv4Literals(String s) {
        assertThat(HostNames.isIpv4Literal(s)).isTrue();
        assertThat(HostNames.isValid(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "010.0.0.1", "1.2.3", "1.2.3.4.5", "1.2.3.", "1..2.3", "1.2.3.4 ", "\u0661.2.3.4", "1234.1.1.1", "+1.2.3.4"})
    void notIpv4Literals(String s) {
        assertThat(HostNames.isIpv4Literal(s)).isFalse();
        assertThat(HostNames.isValid(s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::", "::ffff:192.0.2.1", "1:2:3:4:5:6:1.2.3.4", "fe80::1:2"})
    void ipv6Literals(String s) {
        assertThat(HostNames.isIpv6Literal(s)).isTrue();
        assertThat(HostNames.isValid(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz::zz", ":::", "1:::2", "1::2::3", ":1", "1:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1",
            "::1%eth0", "[::1]", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:010.0.0.1", "g::1", "1:2"})
    void notIpv6Literals(String s) {
        assertThat(HostNames.isIpv6Literal(s)).isFalse();
    }

    @Test
    void nullIsNothing() {
        assertThat(HostNames.isValid(null)).isFalse();
        assertThat(HostNames.preview(null)).isEqualTo("null");
    }

    @Test
    void previewIsShortAndEscaped() {
        assertThat(HostNames.preview("a'b\\c\u0000\u2003")).isEqualTo("'a\\u0027b\\u005cc\\u0000\\u2003'");
        assertThat(HostNames.preview("y".repeat(30))).isEqualTo("'" + "y".repeat(24) + "'... (30 characters)");
    }
}
