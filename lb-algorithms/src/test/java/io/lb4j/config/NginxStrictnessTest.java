package io.lb4j.config;

import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nginx 1.22 refuses it, so lb4j refuses it (issue 10, case 4), and the reverse. */
class NginxStrictnessTest {

    private static NginxUpstream block(String body) {
        return NginxUpstream.parse("upstream u {\n" + body + "\n}\n");
    }

    private static void refusedAt(String body, int line, int column, String fragment) {
        assertThatThrownBy(() -> block(body))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> {
                    assertThat(e.line()).as("line of " + e.getMessage()).isEqualTo(line);
                    assertThat(e.column()).as("column of " + e.getMessage()).isEqualTo(column);
                    assertThat(e.getMessage()).contains(fragment);
                });
    }

    @Test
    void unicodeDigitsAreNotNumbers() {
        refusedAt("server a:1 weight=\u0663;", 2, 12, "bad number");
        refusedAt("server a:\uff18\uff10;", 2, 8, "bad number");
        refusedAt("server a:1 max_fails=\u0661;", 2, 12, "bad number");
        refusedAt("server a:1 fail_timeout=\u0661s;", 2, 12, "bad time");
    }

    @Test
    void aQuoteInsideAWordIsAnOrdinaryCharacter() {
        refusedAt("server a:1 weight=\"2\";", 2, 12, "bad number '\"2\"' for weight");
    }

    @Test
    void aWholeQuotedTokenIsAToken() {
        Server s = block("\"server\" 'a:1' \"weight=2\" 'backup';\nserver b:1;").servers().get(0).server();
        assertThat(s.weight()).isEqualTo(2);
        assertThat(s.backup()).isTrue();
    }

    @Test
    void adjacentQuotedPartsAreNotJoined() {
        refusedAt("server \"a\"\"b\";", 2, 11, "after a closing quote");
        refusedAt("server \"a\"b;", 2, 11, "after a closing quote");
        refusedAt("server 'a:1'}", 2, 13, "after a closing quote");
    }

    @Test
    void hashStartsACommentOnlyWhereATokenStarts() {
        refusedAt("server a:1#comment;", 2, 8, "bad number '1#comment' for port");
        assertThat(block("server a:1; #server b:2;").servers()).hasSize(1);
        assertThat(block("hash $x#y;\nserver a:1;").hashKey()).contains("$x#y");
    }

    @Test
    void aClosingBraceInsideAWordIsPartOfTheWord() {
        assertThatThrownBy(() -> NginxUpstream.parse("upstream u { server a:1;}}"))
                .isInstanceOf(NginxConfigException.class);
        refusedAt("server a:1 down};", 2, 12, "invalid server parameter 'down}'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\f", "\u2003", "\u001c", "\u000b", "\u00a0", "\u0085", "\u2028"})
    void onlySpaceTabCrAndLfSeparateTokens(String space) {
        assertThatThrownBy(() -> block("server" + space + "a:1;")).isInstanceOf(NginxConfigException.class);
        assertThatThrownBy(() -> block("server a:1" + space + "backup;")).isInstanceOf(NginxConfigException.class);
    }

    @Test
    void crTabAndLfDoSeparateTokens() {
        assertThat(block("server\ta:1\r\nbackup;\nserver b:1;").servers().get(0).server().backup()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[zz::zz]:80", "[::1%eth0]", "[1.2.3.4]", "[]", "[:::]", "[1::2::3]", "[::1]x", "[::1]:",
            "[1:2:3:4:5:6:7::]"})
    void bracketsHoldARealIpv6Literal(String address) {
        assertThatThrownBy(() -> block("server " + address + ";"))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> assertThat(e.column()).isEqualTo(8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a_b", "h\u00e9", "a/b", "a?b", "1.2.3.999", "010.0.0.1", "-a", "$host", "a\\:1"})
    void hostsAreNamesOrIpv4Literals(String address) {
        assertThatThrownBy(() -> block("server " + address + ";"))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> assertThat(e.column()).isEqualTo(8));
    }

    @ParameterizedTest
    @CsvSource({"ip_hash;, ip_hash", "hash $uri;, hash", "hash $uri consistent;, hash", "random;, random",
            "random two;, random"})
    void backupIsRefusedWithBalancersWhoseNginxModuleDoesNotSupportIt(String directive, String name) {
        refusedAt(directive + "\nserver a:1;\nserver b:1 backup;", 4, 12, "'backup' is not supported with " + name);
        refusedAt("server b:1 backup;\n" + directive + "\nserver a:1;", 2, 12, "'backup' is not supported with " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "least_conn;", "lb4j_strategy peak-ewma;"})
    void backupIsAcceptedWithRoundRobinAndLeastConn(String directive) {
        assertThat(block(directive + "\nserver a:1;\nserver b:1 backup;").servers().get(1).server().backup()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "1s500ms", "1ms", "0ms"})
    void millisecondsAreRefusedBecauseNginxReadsTheseTimesInSeconds(String time) {
        refusedAt("server a:1 fail_timeout=" + time + ";", 2, 12, "ms is refused");
        refusedAt("server a:1 slow_start=" + time + ";", 2, 12, "bad time");
    }

    @Test
    void trailingNumberAfterSecondsIsMoreSecondsAsInNginx() {
        Server s = block("server a:1 fail_timeout=1s30;").servers().get(0).server();
        assertThat(s.failTimeout()).contains(Duration.ofSeconds(31));
        Server t = block("server a:1 \"fail_timeout=1m 30\";").servers().get(0).server();
        assertThat(t.failTimeout()).contains(Duration.ofSeconds(90));
    }

    @Test
    void escapesAreUnescapedAsNginxDoes() {
        assertThat(block("hash \"a\\\"b\\\\c\\td\\x\";\nserver a:1;").hashKey()).contains("a\"b\\c\td\\x");
        assertThat(block("hash a\\ b;\nserver a:1;").hashKey()).contains("a\\ b");
        assertThat(block("hash ${x}y;\nserver a:1;").hashKey()).contains("${x}y");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "least_conn x;|2, 12|invalid number of arguments in 'least_conn'",
            "ip_hash x;|2, 9|invalid number of arguments in 'ip_hash'",
            "hash a consistent b;|2, 19|invalid number of arguments in 'hash'",
            "random two least_conn x;|2, 23|invalid number of arguments in 'random'",
            "server;|2, 7|invalid number of arguments in 'server'",
            ";|2, 1|found ';'",
            "server a:1;;|2, 12|found ';'",
            "server a:1 {|2, 12|takes no block",
            "server a:1 max_conns=5;|2, 12|'max_conns=' is not supported by lb4j",
            "keepalive 16;|2, 1|'keepalive' is not supported by lb4j",
            "server a:1 weight=1 weight=1;|2, 21|duplicate server parameter",
            "server a:1 weight=;|2, 12|bad number '' for weight",
            "server a:1 fail_timeout=;|2, 12|missing time",
            "server a:1 fail_timeout=s;|2, 12|bad time 's'",
            "server a:1 fail_timeout=1h1h;|2, 12|bad time",
            "server a:1 fail_timeout=2d;|2, 12|failTimeout must be in [1ms, 1d]",
            "server a:1 fail_timeout=99999999999999999999;|2, 12|bad time",
            "server a:0;|2, 8|port must be in [1, 65535], was 0",
    })
    void directivesAndParametersNginxRefuses(String body, String position, String fragment) {
        String[] lc = position.split(", ");
        refusedAt(body, Integer.parseInt(lc[0]), Integer.parseInt(lc[1]), fragment);
    }

    @Test
    void leadingZerosAreDigitsAsInNgxAtoi() {
        Server s = block("server a:0080 weight=007;").servers().get(0).server();
        assertThat(s.port()).isEqualTo(80);
        assertThat(s.weight()).isEqualTo(7);
    }

    @Test
    void messagesEscapeControlCharactersAndCutLongTokens() {
        assertThatThrownBy(() -> block("server a:1 x\u001b[31m" + "y".repeat(500) + ";"))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("\u001b").contains("\\u001b").hasSizeLessThan(400);
                });
    }

    @ParameterizedTest
    @CsvSource({"10, true, 10", "1s30, true, 31", "1m30, true, 90", "1y, true, 31536000", "1M, true, 2592000",
            "1w1d1h1m1s, true, 694861", "1hs, true, 3600", "s, true, -1", "'', true, -1", "1m1h, true, -1", "1ms, true, -1",
            "x, true, -1", "1s1s, true, -1", "9223372036854775807, true, 9223372036854775807",
            "9223372036854775808, true, -1", "300000000000y, true, -1",
            "500ms, false, 500", "1s500ms, false, 1500", "1s30, false, 31000", "10, false, 10000", "1y, false, -1",
            "1M, false, -1", "1w, false, 604800000", "1ms1s, false, -1"})
    void ngxParseTime(String text, boolean isSec, long expected) {
        assertThat(NginxValues.parseTime(text, isSec)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "007, 7", "9223372036854775807, 9223372036854775807", "9223372036854775808, -1", "'', -1",
            "-1, -1", "+1, -1", "'1 ', -1", "\u0663, -1"})
    void ngxAtoi(String text, long expected) {
        assertThat(NginxValues.atoi(text)).isEqualTo(expected);
    }
    // ---------------------------------------------------- found by NginxGrammarDifferentialTest against nginx -t

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1m 30s|90", "1s 30|31", "1 30|31", "1h 1m|3660", "1s |1", " 30|30", "1m  30s|90"})
    void spacesAfterATimeUnitAreSkippedAsInNginx(String time, long seconds) {
        assertThat(NginxValues.parseTime(time, true)).isEqualTo(seconds);
        Server s = block("server a:1 \"fail_timeout=" + time + "\";").servers().get(0).server();
        assertThat(s.failTimeout()).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1 30s", "1m\t30s", "1s 1m"})
    void aSpaceDoesNotMakeAnyOtherTimeValid(String time) {
        refusedAt("server a:1 \"fail_timeout=" + time + "\";", 2, 12, "bad time");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$", "${}", "${", "${request_uri", "$-x", "$request_uri-$", "\"${x y}\"", "$$"})
    void aHashKeyVariableMustBeWellFormed(String key) {
        refusedAt("hash " + key + ";\nserver a:1;", 2, 6, "invalid hash key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$request_uri", "${request_uri}x", "$1", "$0", "$uri}", "foo", "\"\"", "'a b'", "$no_such_var"})
    void wellFormedHashKeysAreAcceptedWhetherOrNotTheVariableExists(String key) {
        assertThat(block("hash " + key + ";\nserver a:1;").hashKey()).isPresent();
    }

    @Test
    void anUpstreamOfBackupServersOnlyIsRefusedAsInNginx() {
        refusedAt("server a:1 backup;\nserver b:1 backup;", 4, 1, "only backup servers");
        assertThat(block("server a:1 backup;\nserver b:1 down;").servers()).hasSize(2);
    }

    @Test
    void upstreamNamesAreComparedIgnoringAsciiCaseAsInNginx() {
        assertThatThrownBy(() -> NginxUpstream.parseAll("upstream u { server a:1; }\nupstream U { server b:1; }"))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("duplicate upstream 'U'", "ignoring ASCII case");
                });
        assertThat(NginxUpstream.parseAll("upstream \u00e9 { server a:1; }\nupstream \u00c9 { server b:1; }")).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\" \"", "'\t'"})
    void aBlankUpstreamNameIsRefused(String name) {
        assertThatThrownBy(() -> NginxUpstream.parse("upstream " + name + " { server a:1; }"))
                .isInstanceOfSatisfying(NginxConfigException.class, e -> {
                    assertThat(e.column()).isEqualTo(10);
                    assertThat(e.getMessage()).contains("blank upstream name");
                });
    }
    @Test
    void aTokenMustFitIntoNginxsFourKilobyteBufferAsNginxReadsIt() {
        assertThat(block("hash " + "a".repeat(4095) + ";\nserver a:1;").hashKey()).isPresent();
        refusedAt("hash " + "a".repeat(4095) + " ;\nserver a:1;", 2, 6, "word 'aaa");
        assertThat(block("hash " + "a".repeat(4094) + " ;\nserver a:1;").hashKey()).isPresent();
        refusedAt("hash " + "a".repeat(4096) + ";\nserver a:1;", 2, 6, "is too long (4096 UTF-8 bytes)");
        refusedAt("hash " + "\u00e9".repeat(2048) + ";\nserver a:1;", 2, 6, "is too long (4096 UTF-8 bytes)");
        assertThat(block("hash \"" + "a".repeat(4094) + "\";\nserver a:1;").hashKey()).isPresent();
        refusedAt("hash \"" + "a".repeat(4094) + "\" ;\nserver a:1;", 2, 6, "quoted string");
        assertThat(block("#" + "c".repeat(4094) + "\nserver a:1;").servers()).hasSize(1);
        refusedAt("#" + "c".repeat(4095) + "\nserver a:1;", 2, 1, "comment '#ccc");
    }
    @ParameterizedTest
    @CsvSource({"::1, true", "::, true", "1::, true", "1:2:3:4:5:6::, true", "1::3:4:5:6:7:8, true",
            "1:2:3:4:5:6:7::, false", "1:2:3:4:5:6:7:8, true", "1:2:3:4:5:6:7:8::, false", "::1.2.3.4, true",
            "::1..2.3, true", "1:2:3:4:5:6:1.2.3.4, true", "1:2:3:4:5:6:7:1.2.3.4, false", ":1, false",
            "1.2.3.4, false", "12345::, false", "::g, false", "'', false", ":::1, false"})
    void ngxInet6Addr(String text, boolean nginxAccepts) {
        assertThat(NginxValues.isNginxInet6Addr(text)).isEqualTo(nginxAccepts);
    }
}
