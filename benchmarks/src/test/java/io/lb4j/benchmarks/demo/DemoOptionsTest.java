package io.lb4j.benchmarks.demo;

import io.lb4j.benchmarks.Flags;
import io.lb4j.benchmarks.StrategyCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {

    @Test
    void noFlagsGiveTheDefaults() throws Exception {
        DemoOptions o = DemoOptions.parse(new String[0]);
        assertThat(o.strategies()).isEqualTo(DemoOptions.defaultStrategies());
        assertThat(o.servers()).isEqualTo(DemoOptions.DEFAULT_SERVERS);
        assertThat(o.seconds()).isEqualTo(DemoOptions.DEFAULT_SECONDS);
        assertThat(o.concurrency()).isEqualTo(DemoOptions.DEFAULT_CONCURRENCY);
        assertThat(o.chart()).isEqualTo(Path.of(DemoOptions.DEFAULT_CHART));
        assertThat(o.help()).isFalse();
    }

    @Test
    void defaultsFinishInAboutAMinute() {
        // strategies × seconds each, plus start-up and tables: under 75 s.
        assertThat(DemoOptions.defaultStrategies().size() * DemoOptions.DEFAULT_SECONDS).isBetween(20.0, 70.0);
    }

    @Test
    void readsEveryFlagInBothForms() throws Exception {
        String first = StrategyCatalog.names().get(0);
        DemoOptions o = DemoOptions.parse(new String[] {"--strategies", first, "--servers=7", "--duration", "2.5",
                "--concurrency=3", "--workers", "2", "--mean-ms", "4", "--chart", "out/x.png"});
        assertThat(o.strategies()).containsExactly(first);
        assertThat(o.servers()).isEqualTo(7);
        assertThat(o.seconds()).isEqualTo(2.5);
        assertThat(o.concurrency()).isEqualTo(3);
        assertThat(o.workers()).isEqualTo(2);
        assertThat(o.meanMillis()).isEqualTo(4.0);
        assertThat(o.chart()).isEqualTo(Path.of("out/x.png"));
    }

    @Test
    void helpIsRecognisedLongAndShort() throws Exception {
        assertThat(DemoOptions.parse(new String[] {"--help"}).help()).isTrue();
        assertThat(DemoOptions.parse(new String[] {"-h"}).help()).isTrue();
    }

    @Test
    void unknownFlagIsAnError() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--turbo"}))
                .isInstanceOf(Flags.UsageException.class).hasMessage("unknown flag --turbo");
    }

    @Test
    void positionalArgumentIsAnError() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"fast"}))
                .isInstanceOf(Flags.UsageException.class).hasMessageContaining("unexpected argument 'fast'");
    }

    @Test
    void missingValueIsAnError() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--servers"}))
                .isInstanceOf(Flags.UsageException.class).hasMessage("--servers needs a value");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--servers", "--help"}))
                .isInstanceOf(Flags.UsageException.class).hasMessage("--servers needs a value");
    }

    @Test
    void nonNumericValueIsAnError() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--concurrency", "many"}))
                .isInstanceOf(Flags.UsageException.class)
                .hasMessage("--concurrency must be an integer, was 'many'");
    }

    @Test
    void outOfRangeValueIsAnError() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--servers", "2"}))
                .isInstanceOf(Flags.UsageException.class).hasMessage("--servers must be in [3, 50], was 2");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--duration", "0"}))
                .isInstanceOf(Flags.UsageException.class).hasMessageContaining("--duration must be in [1.0, 3600.0]");
    }

    @Test
    void unknownStrategyIsAnErrorListingTheKnownOnes() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--strategies", "fastest"}))
                .isInstanceOf(Flags.UsageException.class)
                .hasMessageContaining("unknown value 'fastest'")
                .hasMessageContaining(StrategyCatalog.names().get(0));
    }

    @Test
    void booleanFlagRejectsAValue() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--help=yes"}))
                .isInstanceOf(Flags.UsageException.class).hasMessageContaining("--help takes no value");
    }

    @Test
    void usageNamesEveryFlag() {
        assertThat(DemoOptions.usage()).contains("--strategies", "--servers", "--duration", "--concurrency",
                "--workers", "--mean-ms", "--chart", "--help");
    }

    @Test
    void aliasesAreAcceptedAndCanonicalised() throws Exception {
        assertThat(DemoOptions.parse(new String[] {"--strategies", "rr,lc,p2c-ewma,round-robin"}).strategies())
                .containsExactly("round-robin", "least-connections", "peak-ewma");
    }

    @Test
    void duplicatesInTheStrategyListAreDropped() throws Exception {
        String first = StrategyCatalog.names().get(0);
        assertThat(DemoOptions.parse(new String[] {"--strategies", first + "," + first}).strategies())
                .isEqualTo(List.of(first));
    }
}
