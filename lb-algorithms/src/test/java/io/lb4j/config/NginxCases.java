package io.lb4j.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hand-written corpus of {@link NginxGrammarDifferentialTest} ({@code nginx-grammar-corpus.txt} beside
 * this class): one case per line, the body of {@code upstream u {\n<line>\n}\n}, or with a leading {@code =}
 * the whole text; {@code \n \r \t \f \\} and {@code \}{@code uXXXX} are decoded, any other backslash is kept.
 */
final class NginxCases {
    private static final Pattern NAME = Pattern.compile("^\\s*upstream\\s+([A-Za-z0-9_]+)\\s*\\{");

    private NginxCases() {
    }

    static List<String> corpus() {
        try (InputStream in = NginxCases.class.getResourceAsStream("nginx-grammar-corpus.txt")) {
            if (in == null) {
                throw new IllegalStateException("nginx-grammar-corpus.txt is missing from the test resources");
            }
            List<String> cases = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (line.isEmpty() || line.startsWith("//")) {
                    continue;
                }
                cases.add(line.startsWith("=") ? decode(line.substring(1)) : wrap(decode(line)));
            }
            cases.addAll(longTokens());
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tokens around nginx's 4096-byte configuration buffer, too long to write into the corpus file. */
    static List<String> longTokens() {
        List<String> cases = new ArrayList<>();
        for (int n : new int[]{4094, 4095, 4096, 5000}) {
            cases.add(wrap("hash " + "a".repeat(n) + ";\nserver 127.0.0.1;"));
            cases.add(wrap("hash \"" + "a".repeat(n) + "\";\nserver 127.0.0.1;"));
            cases.add(wrap("#" + "c".repeat(n - 1) + "\nserver 127.0.0.1;"));
        }
        cases.add(wrap("hash " + "\u00e9".repeat(2047) + "a;\nserver 127.0.0.1;"));
        cases.add(wrap("hash " + "\u00e9".repeat(2048) + ";\nserver 127.0.0.1;"));
        cases.add(wrap("hash " + "\u20ac".repeat(1365) + ";\nserver 127.0.0.1;"));
        cases.add(wrap("hash " + "\u20ac".repeat(1366) + ";\nserver 127.0.0.1;"));
        cases.add(wrap("hash " + "\\\"".repeat(2047) + "a;\nserver 127.0.0.1;"));
        cases.add(wrap("hash " + "\\\"".repeat(2048) + ";\nserver 127.0.0.1;"));
        cases.add("upstream " + "n".repeat(4095) + " { server 127.0.0.1; }");
        cases.add("upstream " + "n".repeat(4096) + " { server 127.0.0.1; }");
        cases.add(wrap("server 127.0.0.1; " + "# x".repeat(3000)));
        // where a word of 4095 bytes and a quoted string of 4094 fit depends on what follows them
        cases.add(wrap("hash " + "a".repeat(4094) + " ;\nserver 127.0.0.1;"));
        cases.add(wrap("hash " + "a".repeat(4095) + " ;\nserver 127.0.0.1;"));
        cases.add(wrap("hash " + "a".repeat(4095) + "\t;\nserver 127.0.0.1;"));
        cases.add(wrap("hash " + "a".repeat(4095) + " consistent;\nserver 127.0.0.1;"));
        cases.add(wrap("hash \"" + "a".repeat(4093) + "\" ;\nserver 127.0.0.1;"));
        cases.add(wrap("hash \"" + "a".repeat(4094) + "\" ;\nserver 127.0.0.1;"));
        cases.add(wrap("hash '" + "a".repeat(4094) + "';\nserver 127.0.0.1;"));
        cases.add("upstream " + "n".repeat(4095) + "{ server 127.0.0.1; }");
        cases.add("upstream \"" + "n".repeat(4094) + "\"{ server 127.0.0.1; }");
        cases.add("upstream \"" + "n".repeat(4094) + "\" { server 127.0.0.1; }");
        return cases;
    }

    /** {@code body} inside {@code upstream u { }}. */
    static String wrap(String body) {
        return "upstream u {\n" + body + "\n}\n";
    }

    /** The first block's name when a URL can hold it (a short plain word), else null. */
    static String proxyName(String text) {
        Matcher m = NAME.matcher(text);
        return m.find() && m.group(1).length() <= 255 ? m.group(1) : null;
    }

    static String decode(String line) {
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\' || i + 1 == line.length()) {
                sb.append(c);
                continue;
            }
            char n = line.charAt(i + 1);
            switch (n) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'f' -> sb.append('\f');
                case '\\' -> sb.append('\\');
                case 'u' -> {
                    if (i + 6 > line.length()) {
                        sb.append(c);
                        continue;
                    }
                    sb.append((char) Integer.parseInt(line.substring(i + 2, i + 6), 16));
                    i += 4;
                }
                default -> {
                    sb.append(c);
                    continue;
                }
            }
            i++;
        }
        return sb.toString();
    }
}
