package io.lb4j.discovery;

import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerListTest {

    @Test
    void parsesAddressesWeightsBackupsAndComments() {
        var servers = ServerList.parse("# fleet\r\n10.0.0.1:8080\n\n  app-2.internal:8081 weight=3   # the big one\n"
                + "\t[2001:db8::1]:9090 weight=2 backup\n");

        assertThat(servers).extracting(Server::id).containsExactly("10.0.0.1:8080", "app-2.internal:8081", "[2001:db8::1]:9090");
        assertThat(servers).extracting(Server::weight).containsExactly(1, 3, 2);
        assertThat(servers).extracting(Server::backup).containsExactly(false, false, true);
        assertThat(ServerList.parse("# nothing\n\n")).isEmpty();
    }

    @Test
    void errorsNameLineAndColumn() {
        assertThatThrownBy(() -> ServerList.parse("10.0.0.1:8080\n  10.0.0.2\n"))
                .hasMessage("line 2, column 3: expected host:port, found \"10.0.0.2\" (the port is required)");
        assertThatThrownBy(() -> ServerList.parse("10.0.0.1:80 weight=x"))
                .hasMessage("line 1, column 20: invalid weight \"x\"; expected a number from 1 to 1000000");
        assertThatThrownBy(() -> ServerList.parse("10.0.0.1:80 weight=0"))
                .hasMessage("line 1, column 20: weight 0 out of range; expected 1 to 1000000");
        assertThatThrownBy(() -> ServerList.parse("10.0.0.1:70000"))
                .hasMessage("line 1, column 10: port 70000 out of range; expected 1 to 65535");
        assertThatThrownBy(() -> ServerList.parse("10.0.0.1:80 down"))
                .hasMessage("line 1, column 13: unknown parameter \"down\"; expected weight=N or backup");
        assertThatThrownBy(() -> ServerList.parse("10.0.0.1:80 backup backup"))
                .hasMessage("line 1, column 20: duplicate parameter \"backup\"");
        assertThatThrownBy(() -> ServerList.parse("a:1\nb:2\na:1"))
                .hasMessage("line 3, column 1: duplicate server a:1");
        assertThatThrownBy(() -> ServerList.parse("server 10.0.0.1:80;"))
                .hasMessage("line 1, column 1: expected host:port, found \"server\" (the port is required)");
        assertThatThrownBy(() -> ServerList.parse("ho$t:80"))
                .hasMessageStartingWith("line 1, column 1: invalid host \"ho$t\"");
        assertThatThrownBy(() -> ServerList.parse("[zz::1]:80"))
                .hasMessage("line 1, column 2: invalid IPv6 address \"zz::1\"");
        assertThatThrownBy(() -> ServerList.parse("[::1]80"))
                .hasMessage("line 1, column 1: expected [ipv6]:port, found \"[::1]80\"");
        assertThatThrownBy(() -> ServerList.parse(null)).hasMessage("text must not be null");
    }
}
