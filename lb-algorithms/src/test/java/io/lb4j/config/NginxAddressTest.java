package io.lb4j.config;

import io.lb4j.api.HostNames;
import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NginxAddressTest {

    private static final String EXPECTED = "; expected host, host:port, [ipv6] or [ipv6]:port";

    private static Server parse(String address) {
        return NginxAddress.parse(NginxLexer.tokens(address).get(0)).build();
    }

    private static String refusal(String address) {
        return assertThatThrownBy(() -> parse(address)).isInstanceOf(NginxConfigException.class)
                .actual().getMessage();
    }

    @Test
    void hostWithoutPortGetsPort80() {
        Server s = parse("backend.example");
        assertThat(s.host()).isEqualTo("backend.example");
        assertThat(s.port()).isEqualTo(80);
    }

    @Test
    void hostAndPort() {
        Server s = parse("10.0.0.1:8080");
        assertThat(s.host()).isEqualTo("10.0.0.1");
        assertThat(s.port()).isEqualTo(8080);
    }

    @Test
    void bracketedIpv6WithPort() {
        Server s = parse("[2001:db8::1]:9000");
        assertThat(s.host()).isEqualTo("2001:db8::1");
        assertThat(s.port()).isEqualTo(9000);
    }

    @Test
    void bracketedIpv6WithoutPortGetsPort80() {
        assertThat(parse("[::1]").port()).isEqualTo(80);
    }

    @Test
    void portsOneAndMaxAreAccepted() {
        assertThat(parse("h:1").port()).isEqualTo(1);
        assertThat(parse("h:65535").port()).isEqualTo(65535);
    }

    @Test
    void portZeroIsRefusedWithItsRange() {
        assertThat(refusal("h:0")).isEqualTo("line 1, column 1: port must be in [1, 65535], was 0");
    }

    @Test
    void portAboveRangeIsRefused() {
        assertThat(refusal("h:65536")).isEqualTo("line 1, column 1: port must be in [1, 65535], was 65536");
    }

    @Test
    void signedPortIsRefusedAsBadNumber() {
        assertThat(refusal("h:+80"))
                .isEqualTo("line 1, column 1: bad number '+80' for port; expected ASCII digits, an integer in [1, 65535]");
    }

    @Test
    void emptyPortIsRefusedAsBadNumber() {
        assertThat(refusal("h:"))
                .isEqualTo("line 1, column 1: bad number '' for port; expected ASCII digits, an integer in [1, 65535]");
    }

    @Test
    void unixSocketIsRefused() {
        assertThat(refusal("unix:/tmp/s.sock"))
                .isEqualTo("line 1, column 1: unix socket address 'unix:/tmp/s.sock' is not supported" + EXPECTED);
    }

    @Test
    void unclosedBracketIsRefused() {
        assertThat(refusal("[::1")).isEqualTo("line 1, column 1: IPv6 address '[::1' lacks ']'" + EXPECTED);
    }

    @Test
    void textAfterBracketOtherThanPortIsRefused() {
        assertThat(refusal("[::1]x"))
                .isEqualTo("line 1, column 1: invalid host: unexpected 'x' after ']'" + EXPECTED);
    }

    @Test
    void invalidIpv6InBracketsIsRefused() {
        assertThat(refusal("[zz]")).isEqualTo("line 1, column 1: invalid IPv6 address 'zz' in brackets" + EXPECTED);
    }

    @Test
    void uriPartIsRefused() {
        assertThat(refusal("h/path"))
                .isEqualTo("line 1, column 1: invalid host 'h/path': a server address has no URI part" + EXPECTED);
    }

    @Test
    void queryPartIsRefused() {
        assertThat(refusal("h?x")).startsWith("line 1, column 1: invalid host 'h?x': a server address has no URI part");
    }

    @Test
    void missingHostIsRefused() {
        assertThat(refusal(":80")).isEqualTo("line 1, column 1: no host in ':80'" + EXPECTED);
    }

    @Test
    void unbracketedIpv6IsRefused() {
        assertThat(refusal("2001:db8::1")).isEqualTo("line 1, column 1: invalid port in '2001:db8::1'; an IPv6 address"
                + " must be in brackets" + EXPECTED);
    }

    @Test
    void invalidHostNameIsRefusedWithWhatIsAllowed() {
        assertThat(refusal("bad_host")).isEqualTo("line 1, column 1: invalid host 'bad_host'; expected "
                + HostNames.ALLOWED);
    }

    @Test
    void errorPositionIsTheAddressToken() {
        NginxLexer.Token t = NginxLexer.tokens("  \n   h:0").get(0);
        assertThatThrownBy(() -> NginxAddress.parse(t)).hasMessageStartingWith("line 2, column 4: ");
    }
}
