package io.lb4j.config;

import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NginxUpstreamParserTest {

    private static final String PARAMS = "weight=, max_fails=, fail_timeout=, slow_start=, backup, down";

    private static NginxUpstream parse(String text) {
        List<NginxUpstream> blocks = new NginxUpstreamParser(text).parseBlocks(false);
        assertThat(blocks).hasSize(1);
        return blocks.get(0);
    }

    private static String refusal(String text) {
        return assertThatThrownBy(() -> new NginxUpstreamParser(text).parseBlocks(true))
                .isInstanceOf(NginxConfigException.class).actual().getMessage();
    }

    private static String block(String body) {
        return "upstream u { " + body + " }";
    }

    @Test
    void plainBlockIsWeightedRoundRobin() {
        NginxUpstream u = parse(block("server a:1;"));
        assertThat(u.name()).isEqualTo("u");
        assertThat(u.strategyName()).isEqualTo("weighted-round-robin");
        assertThat(u.servers()).hasSize(1);
    }

    @Test
    void leastConnMapsToWeightedLeastConnections() {
        assertThat(parse(block("least_conn; server a;")).strategyName()).isEqualTo("weighted-least-connections");
    }

    @Test
    void ipHashMapsToSourceHash() {
        assertThat(parse(block("ip_hash; server a;")).strategyName()).isEqualTo("source-hash");
    }

    @Test
    void hashKeepsItsKeyAndConsistentFlag() {
        NginxUpstream u = parse(block("hash $request_uri consistent; server a;"));
        assertThat(u.strategyName()).isEqualTo("destination-hash");
        assertThat(u.hashKey()).contains("$request_uri");
        assertThat(u.consistentHash()).isTrue();
    }

    @Test
    void randomAloneIsRandomAndRandomTwoIsLeastRequest() {
        assertThat(parse(block("random; server a;")).strategyName()).isEqualTo("random");
        assertThat(parse(block("random two least_conn; server a;")).strategyName()).isEqualTo("least-request");
    }

    @Test
    void serverParametersAreRead() {
        UpstreamServer s = parse(block("server a weight=3 max_fails=2 fail_timeout=1m30s slow_start=5 down;"))
                .servers().get(0);
        Server server = s.server();
        assertThat(server.weight()).isEqualTo(3);
        assertThat(server.maxFails()).hasValue(2);
        assertThat(server.failTimeout()).contains(Duration.ofSeconds(90));
        assertThat(server.slowStart()).contains(Duration.ofSeconds(5));
        assertThat(s.down()).isTrue();
    }

    @Test
    void backupIsRead() {
        assertThat(parse(block("server a; server b backup;")).servers().get(1).server().backup()).isTrue();
    }

    @Test
    void weightZeroIsRefusedWithRange() {
        assertThat(refusal(block("server a weight=0;")))
                .isEqualTo("line 1, column 23: weight must be in [1, 1000000], was 0");
    }

    @Test
    void weightAboveMaxIsRefused() {
        assertThat(refusal(block("server a weight=1000001;")))
                .isEqualTo("line 1, column 23: weight must be in [1, 1000000], was 1000001");
    }

    @Test
    void unsupportedParameterIsNamed() {
        assertThat(refusal(block("server a max_conns=5;"))).isEqualTo("line 1, column 23: nginx server parameter"
                + " 'max_conns=' is not supported by lb4j; expected one of " + PARAMS + " or ';'");
    }

    @Test
    void unknownParameterIsRefused() {
        assertThat(refusal(block("server a wieght=5;"))).isEqualTo("line 1, column 23: invalid server parameter"
                + " 'wieght=5'; expected one of " + PARAMS + " or ';'");
    }

    @Test
    void duplicateParameterIsRefused() {
        assertThat(refusal(block("server a weight=1 weight=2;"))).isEqualTo("line 1, column 32: duplicate server"
                + " parameter 'weight=' (nginx takes the last; lb4j refuses); expected each parameter at most once");
    }

    @Test
    void failTimeoutZeroIsRefused() {
        assertThat(refusal(block("server a fail_timeout=0;")))
                .isEqualTo("line 1, column 23: fail_timeout=0 is not supported by lb4j; expected a time of at least 1s");
    }

    @Test
    void millisecondsAreRefusedForSecondsParameters() {
        assertThat(refusal(block("server a slow_start=500ms;")))
                .startsWith("line 1, column 23: bad time '500ms' for slow_start; expected an nginx time in seconds");
    }

    @Test
    void emptyTimeIsRefused() {
        assertThat(refusal(block("server a fail_timeout=;")))
                .startsWith("line 1, column 23: missing time for fail_timeout; expected an nginx time in seconds");
    }

    @Test
    void balancerRedefinitionIsRefused() {
        assertThat(refusal(block("least_conn; ip_hash; server a;"))).isEqualTo("line 1, column 26: load balancing"
                + " method redefined: 'ip_hash' after 'least_conn' at line 1 (nginx warns and takes the last; lb4j"
                + " refuses); expected at most one of least_conn, ip_hash, hash, random, lb4j_strategy");
    }

    @Test
    void backupWithIpHashIsRefused() {
        assertThat(refusal(block("ip_hash; server a; server b backup;"))).isEqualTo("line 1, column 42: 'backup' is"
                + " not supported with ip_hash (line 1), as in nginx; expected no backup servers, or the default round"
                + " robin or least_conn");
    }

    @Test
    void onlyBackupServersIsRefused() {
        assertThat(refusal(block("server a backup;"))).isEqualTo("line 1, column 31: upstream 'u' has only backup"
                + " servers (nginx: no servers in upstream); expected at least one server without 'backup'");
    }

    @Test
    void emptyBlockIsRefused() {
        assertThat(refusal("upstream u { }"))
                .isEqualTo("line 1, column 14: upstream 'u' has no server; expected at least one 'server' directive");
    }

    @Test
    void duplicateServerIsRefused() {
        assertThat(refusal(block("server a:80; server a;"))).isEqualTo("line 1, column 27: duplicate server 'a:80',"
                + " first defined at line 1; expected each address once");
    }

    @Test
    void unsupportedDirectiveIsNamed() {
        assertThat(refusal(block("keepalive 8; server a;"))).isEqualTo("line 1, column 14: nginx directive"
                + " 'keepalive' is not supported by lb4j; expected one of server, least_conn, ip_hash, hash, random,"
                + " lb4j_strategy or '}'");
    }

    @Test
    void unknownDirectiveIsRefused() {
        assertThat(refusal(block("foo; server a;"))).isEqualTo("line 1, column 14: unknown directive 'foo'; expected"
                + " one of server, least_conn, ip_hash, hash, random, lb4j_strategy or '}'");
    }

    @Test
    void duplicateUpstreamNameIgnoringCaseIsRefused() {
        assertThat(refusal("upstream u { server a; } upstream U { server b; }")).isEqualTo("line 1, column 26:"
                + " duplicate upstream 'U', first defined at line 1 (nginx compares upstream names ignoring ASCII"
                + " case); expected each name once");
    }

    @Test
    void secondBlockWithoutParseAllIsRefused() {
        assertThatThrownBy(() -> new NginxUpstreamParser("upstream a { server a; } upstream b { server b; }")
                .parseBlocks(false)).isInstanceOf(NginxConfigException.class)
                .hasMessageContaining("expected end of input after the upstream block")
                .hasMessageContaining("(use parseAll for several blocks)");
    }

    @Test
    void unknownHashParameterIsRefused() {
        assertThat(refusal(block("hash $uri fast; server a;")))
                .isEqualTo("line 1, column 24: unknown hash parameter 'fast'; expected 'consistent' or ';'");
    }

    @Test
    void unknownRandomParameterIsRefused() {
        assertThat(refusal(block("random three; server a;")))
                .isEqualTo("line 1, column 21: unknown random parameter 'three'; expected 'two' or ';'");
    }

    @Test
    void unknownRandomTwoMethodIsRefused() {
        assertThat(refusal(block("random two least_time; server a;"))).isEqualTo("line 1, column 25: unknown method"
                + " 'least_time' for 'random two'; expected 'least_conn' or ';'");
    }

    @Test
    void leastConnWithArgumentIsRefused() {
        assertThat(refusal(block("least_conn x; server a;")))
                .isEqualTo("line 1, column 25: invalid number of arguments in 'least_conn'; expected least_conn;");
    }

    @Test
    void hashWithoutKeyIsRefused() {
        assertThat(refusal(block("hash; server a;")))
                .isEqualTo("line 1, column 18: expected a key expression after 'hash' (e.g. $request_uri), found ';'");
    }

    @Test
    void lb4jStrategyTakesAKnownName() {
        assertThat(parse(block("lb4j_strategy never-queue; server a;")).strategyName()).isEqualTo("never-queue");
    }

    @Test
    void lb4jStrategyUnknownNameIsRefused() {
        assertThat(refusal(block("lb4j_strategy nope; server a;")))
                .startsWith("line 1, column 28: unknown strategy 'nope'; expected one of ");
    }
}
