package io.lb4j.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random {@link Server} builders: {@code build()} either returns a server whose host is a DNS name or an
 * IP literal, or throws exactly {@link IllegalArgumentException} with a message naming a field and at
 * most a short prefix of the value. {@code -Dlb4j.fuzz.seed=N} and {@code -Dlb4j.fuzz.count=N} repeat or
 * lengthen a run.
 */
class ServerFuzzTest {
    private static final long SEED = Long.getLong("lb4j.fuzz.seed", 20261129L);
    private static final int COUNT = Integer.getInteger("lb4j.fuzz.count", 3000);
    private static final List<String> HOSTS = List.of("a", "s1", "db-1.example", "10.0.0.1", "::1", "2001:db8::1", "",
            " ", "a/b@c", "h?x#y", "a\u0000b", "\ud800", "[::1]", "zz::zz", "1.2.3.999", "010.0.0.1", "a_b", "a..b",
            "\u0663", "x".repeat(300), "y".repeat(100_000), "example.com.", "-a", "a-", "\u2003");
    private static final List<String> FIELDS = List.of("host", "port", "weight", "maxFails", "failTimeout", "slowStart",
            "id", "zone", "metadata");

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void randomBuildersBuildOrFailNamingTheField() {
        Random r = new Random(SEED);
        int built = 0;
        for (int n = 0; n < COUNT; n++) {
            String host = mutate(HOSTS.get(r.nextInt(HOSTS.size())), r);
            String where = "seed " + SEED + ", case " + n + ", host " + HostNames.preview(host);
            try {
                Server.Builder b = Server.builder(r.nextInt(10) == 0 ? null : host, anyInt(r, 70_000));
                if (r.nextBoolean()) {
                    b.weight(anyInt(r, Server.MAX_WEIGHT + 2));
                }
                if (r.nextBoolean()) {
                    b.maxFails(anyInt(r, Server.MAX_MAX_FAILS + 2));
                }
                if (r.nextBoolean()) {
                    b.failTimeout(anyDuration(r));
                }
                if (r.nextBoolean()) {
                    b.slowStart(anyDuration(r));
                }
                if (r.nextInt(4) == 0) {
                    b.id(r.nextBoolean() ? null : mutate("id", r));
                }
                if (r.nextInt(4) == 0) {
                    b.zone(r.nextBoolean() ? " " : mutate("z1", r));
                }
                if (r.nextInt(4) == 0) {
                    b.metadata(r.nextBoolean() ? "" : "k", r.nextBoolean() ? null : "v");
                }
                Server s = b.build();
                built++;
                assertThat(HostNames.isValid(s.host())).as(where).isTrue();
                assertThat(s.toString()).as(where).contains(s.id());
            } catch (IllegalArgumentException e) {
                assertThat(e).as(where).isExactlyInstanceOf(IllegalArgumentException.class);
                assertThat(e.getMessage()).as(where).isNotBlank().hasSizeLessThan(600);
                assertThat(FIELDS.stream().anyMatch(f -> e.getMessage().startsWith(f) || e.getMessage().startsWith("metadata")))
                        .as(where + ": " + e.getMessage()).isTrue();
            } catch (RuntimeException | Error e) {
                throw new AssertionError(where + " threw " + e, e);
            }
        }
        assertThat(built).as("some servers build").isPositive();
    }

    private static int anyInt(Random r, int max) {
        switch (r.nextInt(4)) {
            case 0:
                return r.nextInt();
            case 1:
                return -r.nextInt(3);
            default:
                return r.nextInt(max);
        }
    }

    private static Duration anyDuration(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return null;
            case 1:
                return Duration.ofSeconds(r.nextLong());
            case 2:
                return Duration.ofMillis(-r.nextInt(1000));
            default:
                return Duration.ofMillis(r.nextInt(90_000_000));
        }
    }

    private static String mutate(String s, Random r) {
        if (r.nextBoolean() || s.isEmpty()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s);
        int at = r.nextInt(sb.length() + 1);
        if (r.nextBoolean() && at < sb.length()) {
            sb.deleteCharAt(at);
        } else {
            sb.insert(at, (char) r.nextInt(r.nextBoolean() ? 0x80 : 0x10000));
        }
        return sb.toString();
    }
}
