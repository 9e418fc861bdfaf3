package io.lb4j.config;

import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NginxUpstreamTest {

    private static final String EXAMPLE = String.join("\n",
            "upstream backend {",
            "    least_conn;",
            "    server 127.0.0.1:9090 down;",
            "    server 127.0.0.1:8080 weight=2 max_fails=3 fail_timeout=30s;",
            "    server 127.0.0.1:6060 slow_start=10s;",
            "    server 127.0.0.1:7070 backup;",
            "}");

    private static NginxUpstream block(String... lines) {
        return NginxUpstream.parse("upstream u {\n" + String.join("\n", lines) + "\n}\n");
    }

    private static Server server(String... lines) {
        // a second, plain server: nginx refuses an upstream of backup servers only
        return block("server a.example:81 " + String.join(" ", lines) + ";", "server b.example;")
                .servers().get(0).server();
    }

    /** Asserts that parsing fails at line:column with a message containing every fragment. */
    private static void failsAt(String text, int line, int column, String... fragments) {
        assertThatThrownBy(() -> NginxUpstream.parse(text))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> {
                    assertThat(e.line()).as("line").isEqualTo(line);
                    assertThat(e.column()).as("column").isEqualTo(column);
                    assertThat(e.getMessage()).startsWith("line " + line + ", column " + column + ": ");
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    // ------------------------------------------------------------------ the example

    @Test
    void exampleHasNameAndMapsLeastConnToWeightedLeastConnections() {
        NginxUpstream u = NginxUpstream.parse(EXAMPLE);
        assertThat(u.name()).isEqualTo("backend");
        assertThat(u.strategyName()).isEqualTo("weighted-least-connections");
        assertThat(u.hashKey()).isEmpty();
        assertThat(u.newStrategy().name()).isEqualTo("weighted-least-connections");
    }

    @Test
    void exampleServersAreParsedExactly() {
        List<UpstreamServer> servers = NginxUpstream.parse(EXAMPLE).servers();
        assertThat(servers).hasSize(4);

        assertThat(servers.get(0).down()).isTrue();
        assertThat(servers.get(0).server().id()).isEqualTo("127.0.0.1:9090");
        assertThat(servers.get(0).server().weight()).isEqualTo(1);

        Server weighted = servers.get(1).server();
        assertThat(servers.get(1).down()).isFalse();
        assertThat(weighted.host()).isEqualTo("127.0.0.1");
        assertThat(weighted.port()).isEqualTo(8080);
        assertThat(weighted.weight()).isEqualTo(2);
        assertThat(weighted.maxFails()).isEqualTo(OptionalInt.of(3));
        assertThat(weighted.failTimeout()).contains(Duration.ofSeconds(30));
        assertThat(weighted.slowStart()).isEmpty();
        assertThat(weighted.backup()).isFalse();

        assertThat(servers.get(2).server().slowStart()).contains(Duration.ofSeconds(10));
        assertThat(servers.get(2).server().maxFails()).isEmpty();

        assertThat(servers.get(3).server().backup()).isTrue();
        assertThat(servers.get(3).server().port()).isEqualTo(7070);
    }

    @Test
    void resultIsImmutable() {
        NginxUpstream u = NginxUpstream.parse(EXAMPLE);
        assertThatThrownBy(() -> u.servers().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ directives

    @Test
    void noBalancingDirectiveMeansNginxDefaultWeightedRoundRobin() {
        NginxUpstream u = block("server a:1;");
        assertThat(u.strategyName()).isEqualTo("weighted-round-robin");
        assertThat(u.newStrategy().name()).isEqualTo("weighted-round-robin");
    }

    @Test
    void ipHashMapsToSourceHash() {
        assertThat(block("ip_hash;", "server a:1;").strategyName()).isEqualTo("source-hash");
    }

    @Test
    void hashConsistentMapsToDestinationHashKeepingTheKeyExpression() {
        NginxUpstream u = block("hash $request_uri consistent;", "server a:1;");
        assertThat(u.strategyName()).isEqualTo("destination-hash");
        assertThat(u.hashKey()).contains("$request_uri");
        assertThat(u.consistentHash()).isTrue();
    }

    @Test
    void hashWithoutConsistentAlsoMapsToDestinationHash() {
        NginxUpstream u = block("hash \"$scheme$request_uri\";", "server a:1;");
        assertThat(u.strategyName()).isEqualTo("destination-hash");
        assertThat(u.hashKey()).contains("$scheme$request_uri");
        assertThat(u.consistentHash()).isFalse();
    }

    @Test
    void randomMapsToRandom() {
        assertThat(block("random;", "server a:1;").strategyName()).isEqualTo("random");
    }

    @Test
    void randomTwoMapsToLeastRequest() {
        assertThat(block("random two;", "server a:1;").strategyName()).isEqualTo("least-request");
    }

    @Test
    void randomTwoLeastConnMapsToLeastRequest() {
        assertThat(block("random two least_conn;", "server a:1;").newStrategy().name()).isEqualTo("least-request");
    }

    @Test
    void lb4jStrategyAcceptsAnAliasAndStoresTheCanonicalName() {
        NginxUpstream u = block("lb4j_strategy SED;", "server a:1;");
        assertThat(u.strategyName()).isEqualTo("shortest-expected-delay");
        assertThat(u.newStrategy().name()).isEqualTo("shortest-expected-delay");
    }

    @Test
    void commentsAreIgnored() {
        NginxUpstream u = NginxUpstream.parse("# pool\nupstream u { # open\n server a:1; # first\n#server b:2;\n}");
        assertThat(u.servers()).hasSize(1);
    }

    @Test
    void parseAllReadsSeveralBlocksInOrder() {
        List<NginxUpstream> all = NginxUpstream.parseAll("upstream a { server x:1; }\nupstream b { random; server y:2; }");
        assertThat(all).extracting(NginxUpstream::name).containsExactly("a", "b");
        assertThat(all.get(1).strategyName()).isEqualTo("random");
    }

    // ------------------------------------------------------------------ server addresses and parameters

    @Test
    void hostWithoutPortDefaultsToPort80() {
        assertThat(block("server backend.example;").servers().get(0).server().address()).isEqualTo("backend.example:80");
    }

    @Test
    void bracketedIpv6WithPort() {
        Server s = block("server [2001:db8::1]:8443;").servers().get(0).server();
        assertThat(s.host()).isEqualTo("2001:db8::1");
        assertThat(s.port()).isEqualTo(8443);
        assertThat(s.id()).isEqualTo("[2001:db8::1]:8443");
    }

    @Test
    void bracketedIpv6WithoutPortDefaultsToPort80() {
        assertThat(block("server [::1];").servers().get(0).server().port()).isEqualTo(80);
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"10, 10000", "10s, 10000", "1m, 60000", "1h, 3600000", "1m30s, 90000",
            "1m30, 90000", "1s30, 31000", "0, 0", "00010, 10000", "1hs, 3600000", "s1, 1000"})
    void nginxTimesAreParsed(String time, long millis) {
        assertThat(server("slow_start=" + time).slowStart()).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"1d, 86400000", "23h59m, 86340000"})
    void dayUnitsAreParsed(String time, long millis) {
        assertThat(server("fail_timeout=" + time).failTimeout()).contains(Duration.ofMillis(millis));
    }

    @Test
    void aTimeBeyondWhatTheServerAcceptsFailsAtItsPosition() {
        assertThatThrownBy(() -> block("server 10.0.0.1 slow_start=2w;"))
                .isInstanceOf(NginxConfigException.class)
                .hasMessageContaining("slowStart must be in [0, 1h], was PT336H");
    }

    @Test
    void zeroMaxFailsIsAccepted() {
        assertThat(server("max_fails=0").maxFails()).isEqualTo(OptionalInt.of(0));
    }

    @Test
    void parametersMayComeInAnyOrder() {
        Server s = server("backup", "slow_start=1m", "weight=5");
        assertThat(s.backup()).isTrue();
        assertThat(s.weight()).isEqualTo(5);
        assertThat(s.slowStart()).contains(Duration.ofMinutes(1));
    }

    // ------------------------------------------------------------------ errors with line:column

    @Test
    void unknownDirectiveFailsAtItsPosition() {
        failsAt("upstream u {\n    server a:1;\n    keepalive 16;\n}", 3, 5, "'keepalive' is not supported by lb4j", "expected one of");
    }

    @Test
    void unknownServerParameterFailsAtItsPosition() {
        failsAt("upstream u {\n  server a:1 wieght=2;\n}", 2, 14, "invalid server parameter 'wieght=2'", "weight=");
    }

    @Test
    void badWeightFailsAtTheParameter() {
        failsAt("upstream u {\n  server a:1 weight=two;\n}", 2, 14, "bad number 'two' for weight", "[1, 1000000]");
    }

    @Test
    void zeroWeightIsOutOfRange() {
        failsAt("upstream u {\n  server a:1 weight=0;\n}", 2, 14, "weight must be in [1, 1000000], was 0");
    }

    @Test
    void hugeWeightIsOutOfRange() {
        failsAt("upstream u {\n  server a:1 weight=99999999999;\n}", 2, 14, "weight must be in [1, 1000000], was 99999999999");
        failsAt("upstream u {\n  server a:1 weight=99999999999999999999;\n}", 2, 14, "bad number '99999999999999999999'");
    }

    @Test
    void badPortFailsAtTheAddress() {
        failsAt("upstream u {\n  server a:99999;\n}", 2, 10, "port must be in [1, 65535], was 99999");
    }

    @Test
    void nonNumericPortFailsAtTheAddress() {
        failsAt("upstream u {\n  server a:http;\n}", 2, 10, "bad number 'http' for port");
    }

    @Test
    void badTimeFailsAtTheParameter() {
        failsAt("upstream u {\n  server a:1 fail_timeout=10x;\n}", 2, 14, "bad time '10x' for fail_timeout",
                "expected an nginx time");
    }

    @Test
    void timeUnitsMustDecrease() {
        failsAt("upstream u {\n  server a:1 slow_start=30s1m;\n}", 2, 14, "bad time '30s1m' for slow_start");
    }

    @Test
    void zeroFailTimeoutIsRejected() {
        failsAt("upstream u {\n  server a:1 fail_timeout=0s;\n}", 2, 14, "fail_timeout=0 is not supported");
    }

    @Test
    void duplicateParameterFails() {
        failsAt("upstream u {\n  server a:1 weight=1 weight=2;\n}", 2, 23, "duplicate server parameter 'weight='");
    }

    @Test
    void missingSemicolonAfterServerFailsAtTheEndOfTheLine() {
        failsAt("upstream u {\n  server a:1 weight=2\n  server b:2;\n}", 2, 22,
                "expected ';' to end the server directive, found 'server'");
    }

    @Test
    void missingSemicolonBeforeClosingBraceFails() {
        failsAt("upstream u {\n  server a:1\n}", 2, 13, "expected ';' to end the server directive, found '}'");
    }

    @Test
    void missingSemicolonAfterLeastConnFails() {
        failsAt("upstream u {\n  least_conn\n  server a:1;\n}", 2, 13,
                "expected ';' to end the least_conn directive, found 'server'");
    }

    @Test
    void missingOpeningBraceFails() {
        failsAt("upstream u\n  server a:1;\n}", 2, 3, "expected '{' after 'upstream' 'u', found 'server'");
    }

    @Test
    void missingClosingBraceFailsAtTheEnd() {
        failsAt("upstream u {\n  server a:1;\n", 3, 1, "expected '}' to close upstream 'u' opened at line 1",
                "found end of input");
    }

    @Test
    void missingClosingBraceBeforeNextBlockFails() {
        assertThatThrownBy(() -> NginxUpstream.parseAll("upstream a {\n server x:1;\nupstream b { server y:1; }"))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("expected '}' to close upstream 'a'");
                });
    }

    @Test
    void duplicateServerFailsAtTheSecondOne() {
        failsAt("upstream u {\n  server a:80;\n  server a;\n}", 3, 3, "duplicate server 'a:80', first defined at line 2");
    }

    @Test
    void ipHashAndLeastConnTogetherFail() {
        failsAt("upstream u {\n  ip_hash;\n  least_conn;\n  server a:1;\n}", 3, 3,
                "load balancing method redefined: 'least_conn' after 'ip_hash' at line 2");
    }

    @Test
    void unknownStrategyNameFailsListingTheNames() {
        failsAt("upstream u {\n  lb4j_strategy fastest;\n  server a:1;\n}", 2, 17, "unknown strategy 'fastest'",
                "round-robin");
    }

    @Test
    void unknownRandomMethodFails() {
        failsAt("upstream u {\n  random two least_time=header;\n  server a:1;\n}", 2, 14,
                "unknown method 'least_time=header' for 'random two'");
    }

    @Test
    void hashWithoutKeyFails() {
        failsAt("upstream u {\n  hash;\n  server a:1;\n}", 2, 7, "expected a key expression after 'hash'");
    }

    @Test
    void blockWithoutServerFails() {
        failsAt("upstream u {\n  least_conn;\n}", 3, 1, "upstream 'u' has no server");
    }

    @Test
    void unbracketedIpv6Fails() {
        failsAt("upstream u {\n  server ::1:80;\n}", 2, 10, "no host");
        failsAt("upstream u {\n  server 1::1:80;\n}", 2, 10, "must be in brackets");
    }

    @Test
    void unixSocketFails() {
        failsAt("upstream u {\n  server unix:/tmp/app.sock;\n}", 2, 10, "unix socket address", "not supported");
    }

    @Test
    void emptyTextFails() {
        failsAt("  # nothing\n", 2, 1, "expected 'upstream', found end of input");
    }

    @Test
    void textOtherThanUpstreamFails() {
        failsAt("http {\n}", 1, 1, "expected 'upstream', found 'http'");
    }

    @Test
    void secondBlockInParseFailsPointingToParseAll() {
        failsAt("upstream a { server x:1; }\nupstream b { server y:1; }", 2, 1, "use parseAll");
    }

    @Test
    void duplicateUpstreamNameInParseAllFails() {
        assertThatThrownBy(() -> NginxUpstream.parseAll("upstream a { server x:1; }\n\nupstream a { server y:1; }"))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("duplicate upstream 'a', first defined at line 1");
                });
    }

    @Test
    void unterminatedQuoteFails() {
        failsAt("upstream u {\n  hash \"$uri;\n  server a:1;\n}", 2, 8, "unterminated quoted string");
    }

    @Test
    void nullTextFails() {
        assertThatThrownBy(() -> NginxUpstream.parse(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("text must not be null");
    }

    @Test
    void exceptionIsUnchecked() {
        assertThat(RuntimeException.class).isAssignableFrom(NginxConfigException.class);
    }
}
