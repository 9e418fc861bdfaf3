package io.lb4j.config;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lb4j's nginx parser against nginx 1.22 itself ({@link NginxOracle}, {@code nginx -t}): every case is accepted
 * by {@link NginxUpstream#parseAll} exactly when nginx accepts it inside an {@code http} block, except for the
 * named, documented {@link NginxDeliberateDifference}s. A refusal is always an {@link NginxConfigException} at
 * a line and column; nothing else escapes. Two sources of cases: the hand-written corpus
 * ({@code nginx-grammar-corpus.txt}) and seeded generated and mutated blocks ({@code -Dlb4j.fuzz.seed=N},
 * {@code -Dlb4j.fuzz.count=N}; a failure names the seed and the case). Skipped without nginx, failed under
 * {@code CI=true}.
 */
class NginxGrammarDifferentialTest {
    private static final long SEED = Long.getLong("lb4j.fuzz.seed", 20261129L);
    private static final int COUNT = Integer.getInteger("lb4j.fuzz.count", 400);

    private static NginxOracle nginx;

    /** The oracle, started on first use; skips (fails under CI=true) the calling test without nginx. */
    private static void requireNginx() {
        if (nginx == null) {
            nginx = NginxOracle.require();
        }
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    /** lb4j's verdict: null when accepted, else the refusal message. */
    private static String lb4j(String text, String where) {
        try {
            NginxUpstream.parseAll(text);
            return null;
        } catch (NginxConfigException e) {
            String prefix = "line " + e.line() + ", column " + e.column() + ": ";
            assertThat(e.getMessage()).as(where).startsWith(prefix).doesNotContain("\n", "\u0000");
            assertThat(e.getMessage().length()).as(where + ": a message that says what is wrong")
                    .isGreaterThan(prefix.length() + 20);
            assertThat(e.line()).as(where).isBetween(1, (int) text.chars().filter(c -> c == '\n').count() + 1);
            return e.getMessage();
        } catch (RuntimeException | Error e) {
            throw new AssertionError(where + ": threw " + e, e);
        }
    }

    /**
     * Compares lb4j with nginx on {@code text}: null when they agree or differ for a documented reason (which
     * is recorded in {@code seen}), else a description of the disagreement.
     */
    private static String disagreement(String text, String where, Map<NginxDeliberateDifference, String> seen) {
        String name = NginxCases.proxyName(text);
        NginxOracle.Verdict verdict = nginx.verdict(text, name);
        String refusal = lb4j(text, where);
        if ((refusal == null) == verdict.accepted()) {
            return null;
        }
        if (refusal != null) {
            NginxDeliberateDifference d = NginxDeliberateDifference.forRefusal(refusal);
            if (d == null) {
                return where + "\n  nginx accepts" + verdict.warnings() + "\n  lb4j refuses: " + refusal;
            }
            seen.putIfAbsent(d, text);
            return null;
        }
        // lb4j accepts what nginx refuses: only an extension or a missing context, and nginx must accept the rest
        String repaired = text;
        for (int i = 0; i < 4 && !verdict.accepted(); i++) {
            NginxDeliberateDifference d = NginxDeliberateDifference.forAcceptance(verdict.message());
            if (d == null) {
                return where + "\n  nginx refuses: " + verdict.message() + "\n  lb4j accepts"
                        + (repaired.equals(text) ? "" : " (nginx judged, after the documented differences: "
                        + NginxLexer.quote(repaired) + ")");
            }
            seen.putIfAbsent(d, text);
            String next = d.repair(repaired, verdict.message());
            if (next.equals(repaired)) {
                return where + "\n  nginx refuses: " + verdict.message() + "\n  lb4j accepts; " + d + " could not be"
                        + " taken out of the text";
            }
            repaired = next;
            verdict = nginx.verdict(repaired, name);
        }
        return verdict.accepted() ? null : where + "\n  nginx still refuses " + NginxLexer.quote(repaired) + ": "
                + verdict.message() + "\n  lb4j accepts";
    }

    @TestFactory
    Stream<DynamicTest> handWrittenCorpus() {
        requireNginx();
        List<String> corpus = NginxCases.corpus();
        Map<NginxDeliberateDifference, String> seen = new EnumMap<>(NginxDeliberateDifference.class);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            String text = corpus.get(i);
            String where = "corpus case " + (i + 1) + " " + NginxLexer.quote(text);
            tests.add(DynamicTest.dynamicTest(where, () -> {
                String problem = disagreement(text, where, seen);
                assertThat(problem).as("lb4j and nginx disagree").isNull();
            }));
        }
        tests.add(DynamicTest.dynamicTest("every documented difference occurs in the corpus", () ->
                assertThat(EnumSet.complementOf(seen.isEmpty() ? EnumSet.noneOf(NginxDeliberateDifference.class)
                        : EnumSet.copyOf(seen.keySet()))).as("documented differences no corpus case shows").isEmpty()));
        return tests.stream();
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void generatedAndMutatedBlocks() {
        requireNginx();
        Random random = new Random(SEED);
        NginxBlockGenerator generator = new NginxBlockGenerator(random);
        Map<NginxDeliberateDifference, String> seen = new EnumMap<>(NginxDeliberateDifference.class);
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        long start = System.nanoTime();
        for (int n = 0; n < COUNT; n++) {
            String text = generator.next();
            while (NginxBlockGenerator.asksDns(text) || NginxBlockGenerator.slowForNginx(text)) {
                text = generator.next();
            }
            String where = "seed " + SEED + ", case " + n + ": " + NginxLexer.quote(text).replace("... (", "(");
            String problem = disagreement(text, where, seen);
            if (problem != null) {
                problems.add(problem);
            }
            if (lb4j(text, where) == null) {
                accepted++;
            }
        }
        System.out.printf("NginxGrammarDifferentialTest: seed %d, %d blocks, %d accepted by lb4j, %d nginx runs in %d ms,"
                        + " slowest %s, documented differences seen %s%n", SEED, COUNT, accepted, nginx.runs(),
                (System.nanoTime() - start) / 1_000_000, nginx.slowest(), seen.keySet());
        assertThat(problems).as("lb4j and nginx disagree (%d of %d)", problems.size(), COUNT).isEmpty();
        assertThat(accepted).as("some generated blocks are accepted").isGreaterThan(COUNT / 10);
        assertThat(accepted).as("some generated blocks are refused").isLessThan(COUNT * 9 / 10);
    }

    @Test
    void theReadmeListsEveryDocumentedDifferenceWithAReason() throws IOException {
        Path readme = Path.of("..", "README.md");
        assertThat(readme).exists();
        String text = Files.readString(readme, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        Set<NginxDeliberateDifference> missing = EnumSet.noneOf(NginxDeliberateDifference.class);
        for (NginxDeliberateDifference d : NginxDeliberateDifference.values()) {
            assertThat(d.reason()).as(d.name()).hasSizeGreaterThan(20);
            if (!text.contains(d.readme())) {
                missing.add(d);
            }
        }
        assertThat(missing).as("README phrases missing").isEmpty();
    }
}
