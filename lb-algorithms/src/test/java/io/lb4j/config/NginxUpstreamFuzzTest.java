package io.lb4j.config;

import io.lb4j.api.HostNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated nginx {@code upstream} blocks: {@link NginxUpstream#parseAll} either returns blocks whose
 * servers all have valid hosts, or throws exactly {@link NginxConfigException} with a
 * {@code line L, column C:} message pointing inside the text; nothing else escapes and nothing hangs.
 * {@code -Dlb4j.fuzz.seed=N} and {@code -Dlb4j.fuzz.count=N} repeat or lengthen a run; a failure names
 * the seed and the case.
 */
class NginxUpstreamFuzzTest {
    private static final long SEED = Long.getLong("lb4j.fuzz.seed", 20261129L);
    private static final int COUNT = Integer.getInteger("lb4j.fuzz.count", 3000);
    private static final List<String> CORPUS = List.of(
            "upstream backend {\n    least_conn;\n    server 127.0.0.1:9090 down;\n"
                    + "    server 127.0.0.1:8080 weight=2 max_fails=3 fail_timeout=30s;\n"
                    + "    server app.example:6060 slow_start=10s;\n    server [2001:db8::1]:7070 backup;\n}\n",
            "# comment\nupstream a { ip_hash; server a:1; server b:2 weight=3; }\nupstream b { random two least_conn; server c; }\n",
            "upstream \"q\" {\n\thash $request_uri consistent;\r\n\tserver 'x.example:81' \"max_fails=0\";\n}\n",
            "upstream u { lb4j_strategy peak-ewma; server 10.0.0.1:1 fail_timeout=1s30; server [::1] backup; }");
    private static final List<String> SNIPPETS = List.of("{", "}", ";", "#", "\"", "'", "\\", "$", "${", ":", "[", "]", "=",
            " ", "\t", "\r", "\n", "\f", "\u2003", "\u001c", "\u0000", "\u0663", "\uff18", "\ud800", "\u00e9",
            "weight=", "max_fails=", "fail_timeout=", "slow_start=", "backup", "down", "max_conns=1", "server ", "upstream ",
            "ip_hash;", "hash $x;", "random;", "least_conn;", "keepalive 4;", "500ms", "1s30", "1y", "9223372036854775808",
            "99999999999999999999999", "[zz::zz]", "[::1]", "unix:/x", "0", "65536", "x".repeat(1000), "\"a\"\"b\"");

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedBlocksParseOrFailOnlyWithAPositionedNginxConfigException() {
        Random random = new Random(SEED);
        int parsed = 0;
        for (int n = 0; n < COUNT; n++) {
            StringBuilder text = new StringBuilder(CORPUS.get(random.nextInt(CORPUS.size())));
            int mutations = 1 + random.nextInt(4);
            for (int i = 0; i < mutations; i++) {
                mutate(text, random);
            }
            String where = "seed " + SEED + ", case " + n + ": " + text;
            try {
                List<NginxUpstream> blocks = NginxUpstream.parseAll(text.toString());
                parsed++;
                for (NginxUpstream b : blocks) {
                    assertThat(b.servers()).as(where).isNotEmpty();
                    b.servers().forEach(s -> assertThat(HostNames.isValid(s.server().host())).as(where).isTrue());
                    assertThat(b.toString()).as(where).isNotEmpty();
                    b.toPoolBuilder();
                }
            } catch (NginxConfigException e) {
                long lines = text.chars().filter(c -> c == '\n').count() + 1;
                assertThat(e.getMessage()).as(where).startsWith("line " + e.line() + ", column " + e.column() + ": ");
                assertThat(e.getMessage().length()).as(where).isGreaterThan(("line " + e.line() + ", column " + e.column() + ": ").length());
                assertThat(e.line()).as(where).isBetween(1, (int) lines);
                assertThat(e.column()).as(where).isBetween(1, text.length() + 1);
                assertThat(e.getMessage()).as(where).doesNotContain("\n").doesNotContain("\u0000");
            } catch (RuntimeException | Error e) {
                throw new AssertionError(where + " threw " + e, e);
            }
        }
        System.out.println("NginxUpstreamFuzzTest: seed " + SEED + ", " + COUNT + " blocks, " + parsed + " parsed");
        assertThat(parsed).as("some mutated blocks still parse").isPositive();
    }

    private static void mutate(StringBuilder s, Random r) {
        int at = r.nextInt(s.length() + 1);
        switch (r.nextInt(5)) {
            case 0:
                if (at < s.length()) {
                    s.deleteCharAt(at);
                }
                break;
            case 1:
                s.insert(at, SNIPPETS.get(r.nextInt(SNIPPETS.size())));
                break;
            case 2:
                s.delete(at, Math.min(s.length(), at + 1 + r.nextInt(12)));
                break;
            case 3: {
                int end = Math.min(s.length(), at + 1 + r.nextInt(20));
                s.insert(at, s.substring(at, end));
                break;
            }
            default:
                s.insert(at, (char) r.nextInt(0x80));
                break;
        }
    }
}
