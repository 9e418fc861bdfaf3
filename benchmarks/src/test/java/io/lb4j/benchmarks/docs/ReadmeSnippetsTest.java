package io.lb4j.benchmarks.docs;

import io.lb4j.api.Server;
import io.lb4j.benchmarks.demo.Backend;
import org.junit.jupiter.api.Test;
import readme.MetricsExample;
import readme.NginxExample;
import readme.OkHttpExample;
import readme.QuickStart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Java snippets are the files in {@code src/test/java/readme} (less their {@code package} line),
 * character for character, so Maven compiles every one of them; those that need no database run here
 * against real loopback servers. Edit a snippet in both places, or this test fails.
 */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SNIPPETS = Path.of("src", "test", "java", "readme");
    private static final String PACKAGE_LINE = "package readme;\n\n";
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("^public class (\\w+)", Pattern.MULTILINE);

    @Test
    void everyJavaSnippetInTheReadmeIsACompiledFileAndEveryFileIsInTheReadme() throws IOException {
        String readme = Files.readString(README);
        List<String> fromReadme = new ArrayList<>();
        Matcher block = JAVA_BLOCK.matcher(readme);
        while (block.find()) {
            String code = block.group(1);
            Matcher name = CLASS.matcher(code);
            assertThat(name.find()).as("README snippet is a complete class:\n" + code).isTrue();
            Path file = SNIPPETS.resolve(name.group(1) + ".java");
            assertThat(file).as("the compiled copy of README snippet " + name.group(1)).exists();
            assertThat(PACKAGE_LINE + code).as("README snippet " + name.group(1) + " vs " + file)
                    .isEqualTo(Files.readString(file));
            fromReadme.add(file.getFileName().toString());
        }
        List<String> files;
        try (Stream<Path> s = Files.list(SNIPPETS)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(fromReadme).as("README snippets").containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void theQuickStartRuns() throws Exception {
        assertThat(output(() -> QuickStart.main(new String[0]))).contains("calling 10.0.0.1:8080", "calling 10.0.0.2:8080");
    }

    @Test
    void theNginxExampleRuns() throws Exception {
        assertThat(output(() -> NginxExample.main(new String[0]))).startsWith("4 servers, picked 127.0.0.1:");
    }

    @Test
    void theMetricsExampleRuns() throws Exception {
        assertThat(output(() -> MetricsExample.main(new String[0]))).contains("1 successful request, 2 in-flight gauges");
    }

    @Test
    void theOkHttpExampleRunsAgainstRealServers() throws Exception {
        try (Backend a = Backend.start("a", "test", 4, 0.1); Backend b = Backend.start("b", "test", 4, 0.1)) {
            List<Server> servers = List.of(Server.of(a.host(), a.port()), Server.of(b.host(), b.port()));
            String out = output(() -> OkHttpExample.run(servers));
            assertThat(out).containsPattern("^200 from " + Pattern.quote(a.host()) + ":(" + a.port() + "|" + b.port()
                    + "): ok from [ab]\n");
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static synchronized String output(Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
