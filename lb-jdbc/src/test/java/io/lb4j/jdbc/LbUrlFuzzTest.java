package io.lb4j.jdbc;

import io.lb4j.api.HostNames;
import io.lb4j.jdbc.internal.JdbcInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Mutated {@code jdbc:lb:} URLs, each holding a password made of two random markers around a separator
 * (raw or percent-encoded {@code @ / ? : # & = %} ...). The mutations change everything but the password
 * and the text that makes it one ({@code user:} or {@code ?password=} / {@code &password=}, and the {@code '@'} after a password
 * holding a raw {@code '@'}), so wherever it ends up it is still the password. Asserted for every URL: {@link LbUrl#parse} and {@link LbDriver#dataSource} either succeed
 * with hosts that are DNS names or IP literals, or throw {@link SQLException} with SQLSTATE HY024 and a
 * message; nothing else escapes; and neither marker appears in any message, cause, {@code toString()},
 * name, stats or line logged while it ran.
 *
 * <p>{@code -Dlb4j.fuzz.seed=N} and {@code -Dlb4j.fuzz.count=N} repeat or lengthen a run; a failure
 * names the seed and the case.
 */
class LbUrlFuzzTest {
    private static final long SEED = Long.getLong("lb4j.fuzz.seed", 20261129L);
    private static final int COUNT = Integer.getInteger("lb4j.fuzz.count", 3000);
    private static final String MARK = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final List<String> SEPARATORS = List.of("", "-", "@", "/", "?", ":", "%40", "%2F", "%3F", "&", "=", "#",
            "+", "%", "%zz", " ", "@/", "?@", ",", "(", ")", "[", "]", "%0A", "\u00e9");
    private static final List<String> SNIPPETS = List.of("@", "//", "/", "?", "&", ":", ",", "=", "#", "%", "%40", "%zz", "[",
            "]", "(", ")", "address=(host=", "(type=primary)", "(port=1)", "[::1]", ":3306", ":0", "h3.invalid", "127.0.0.1",
            "lb.maxLag=5s", "lb.name=", "user=u", "jdbc:lb:", "mysql://", "mariadb://", " ", "\t", "\n", "\u0000", "\u00e9",
            "\u0663", "\uff10", "\ud800", "x".repeat(300));

    @BeforeAll
    static void probesByHand() {
        JdbcInternals.driverManualHealthChecks(true);
    }

    @AfterAll
    static void probesOnScheduleAgain() {
        JdbcInternals.driverManualHealthChecks(false);
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedUrlsNeverLeakThePasswordAndFailOnlyAsDocumented() {
        Random random = new Random(SEED);
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        int parsed = 0;
        int built = 0;
        try {
            for (int n = 0; n < COUNT; n++) {
                log.reset();
                Case c = newCase(random);
                String where = "seed " + SEED + ", case " + n + ": " + c.url;
                String seen;
                try {
                    seen = run(c.url, random.nextInt(8) == 0);
                    parsed++;
                    built += seen.startsWith("built") ? 1 : 0;
                } catch (SQLException e) {
                    assertThat(e.getSQLState()).as(where).isEqualTo("HY024");
                    assertThat(e.getMessage()).as(where).isNotBlank();
                    seen = chain(e);
                } catch (RuntimeException | Error e) {
                    throw new AssertionError(where + " threw " + e, e);
                } finally {
                    LbDriver.closeAll();
                }
                seen += log.toString(StandardCharsets.UTF_8);
                for (String marker : c.markers) {
                    if (seen.contains(marker)) {
                        fail(where + ": the password's part " + marker + " appears in: " + seen);
                    }
                }
            }
        } finally {
            System.setErr(originalErr);
        }
        originalErr.println("LbUrlFuzzTest: seed " + SEED + ", " + COUNT + " URLs, " + parsed + " parsed, " + built + " built");
        assertThat(parsed).as("some mutated URLs still parse").isPositive();
    }

    /** Parses (and sometimes builds) the URL; returns everything it shows. */
    private static String run(String url, boolean build) throws SQLException {
        LbUrl u = LbUrl.parse(url, null);
        StringBuilder seen = new StringBuilder(u.toString()).append(LbUrl.safe(url));
        for (LbUrl.Host h : u.hosts) {
            assertThat(HostNames.isValid(h.host())).as(url).isTrue();
            seen.append(u.nodeUrl(h)).append(h);
        }
        if (build) {
            ReplicaRoutingDataSource ds = LbDriver.dataSource(url, new Properties());
            seen.insert(0, "built").append(ds).append(ds.name()).append(ds.replicaNames()).append(ds.stats());
        }
        return seen.toString();
    }

    private static String chain(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 100_000; t = t.getCause()) {
            sb.append(t).append('\n');
            if (t instanceof SQLException && ((SQLException) t).getNextException() != null) {
                sb.append(((SQLException) t).getNextException());
            }
        }
        return sb.toString();
    }

    private record Case(String url, List<String> markers) {
    }

    private static String marker(Random r) {
        StringBuilder sb = new StringBuilder("Q");
        for (int i = 0; i < 9; i++) {
            sb.append(MARK.charAt(r.nextInt(MARK.length())));
        }
        return sb.toString();
    }

    private static Case newCase(Random r) {
        String a = marker(r);
        String b = marker(r);
        String password = a + SEPARATORS.get(r.nextInt(SEPARATORS.size())) + b;
        String sub = r.nextBoolean() ? "mysql" : "mariadb";
        String before;
        String secret;
        String after;
        switch (r.nextInt(6)) {
            case 0:
                before = "jdbc:lb:" + sub + "://";
                secret = "app:" + password;
                after = "@h1.invalid:3306,h2.invalid/db";
                break;
            case 1:
                before = "jdbc:lb:" + sub + "://h1.invalid,[::1]:3307/db?user=app";
                secret = "&password=" + password;
                after = "&lb.maxLag=5s";
                break;
            case 2:
                before = "jdbc:lb:" + sub + "://";
                secret = "app:" + password;
                after = "@address=(host=h1.invalid)(port=3306)(type=primary),address=(host=h2.invalid)/db?lb.strategy=rr";
                break;
            case 3:
                before = "jdbc:lb:" + sub + "://127.0.0.1:1/shop";
                secret = "?password=" + password;
                after = "";
                break;
            case 4:
                before = "jdbc:lb:" + sub + "://";
                secret = "app:" + password;
                after = "127.0.0.1:1/shop";
                break;
            default:
                before = "jdbc:lb:" + sub + "://";
                secret = "app:" + password;
                after = "";
                break;
        }
        // A raw '@' inside user-info cannot be told from the one ending it ("app:A@B" is user app, password A,
        // host B: a valid URL), so with such a password the '@' after it stays, and the lost or forgotten host is
        // not tried (those cases are tried with every other password).
        String kept = "";
        if (secret.startsWith("app:") && password.contains("@")) {
            if (!after.startsWith("@")) {
                return newCase(r);
            }
            kept = "@";
            after = after.substring(1);
        }
        StringBuilder head = new StringBuilder(before);
        StringBuilder tail = new StringBuilder(after);
        int mutations = r.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(r.nextBoolean() ? head : tail, r);
        }
        return new Case(head + secret + kept + tail, List.of(a, b));
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
                s.delete(at, Math.min(s.length(), at + 1 + r.nextInt(8)));
                break;
            case 3: {
                int end = Math.min(s.length(), at + 1 + r.nextInt(10));
                s.insert(at, s.substring(at, end));
                break;
            }
            default:
                s.insert(at, (char) r.nextInt(0x80));
                break;
        }
    }
}
