package io.lb4j.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Seeded {@code upstream} blocks for {@link NginxGrammarDifferentialTest}: a block built from nginx's grammar
 * with valid and invalid values, then (more often than not) mutated by deleting, repeating, swapping or
 * inserting tokens and characters. Addresses are IP literals, {@code localhost} and {@code unix:} paths, so
 * nginx resolves no names; {@link #asksDns} spots a mutation that made one, and {@link #slowForNginx} a block
 * nginx needs long for. Not thread-safe.
 */
final class NginxBlockGenerator {
    // each list: the usual values first, then the odd ones (picked one time in five)
    private static final String[][] NAMES = {{"u", "backend", "u_1"}, {"\"u\"", "'u'", "U"}};
    private static final String[][] ADDRESSES = {{"127.0.0.1", "127.0.0.1:8080", "10.1.2.3:65535", "localhost",
            "localhost:81", "[::1]", "[::1]:8080", "[2001:db8::7]:443", "127.0.0.2:1"}, {"unix:/tmp/lb4j.sock",
            "127.0.0.1:0", "127.0.0.1:65536", "[::1", "::1", "127.1", ":80", "127.0.0.1:80/x", "010.0.0.1",
            "127.0.0.1:0080", "[1:2:3:4:5:6:7::]", "[::1.2.3.4]", "[1::]", "1..2.3", "[::1..2.3]", "[::]:0"}};
    private static final String[][] NUMBERS = {{"1", "2", "10", "1000"}, {"0", "007", "1000001", "-1", "1.5", "",
            "99999999999999999999", "\u0663", "1s", "1000000"}};
    private static final String[][] TIMES = {{"1", "10", "10s", "1m30s", "1m30", "1s30", "1h", "1d"}, {"0", "2d", "500ms",
            "s", "", "1m1h", "1y", "1hs", "\"1m 30s\"", "\"1 30\"", "\"1 30s\"", "10S"}};
    private static final String[][] FLAGS = {{"backup", "down", "slow_start=10s"}, {"max_conns=5", "slow_start=2h",
            "resolve", "drain", "weight", "foo=1", "route=a", "down=1"}};
    private static final String[][] BALANCERS = {{"least_conn;", "ip_hash;", "hash $request_uri;",
            "hash $request_uri consistent;", "hash $remote_addr$uri;", "random;", "random two;", "random two least_conn;"},
            {"hash ${arg_x}y consistent;", "hash $1;", "hash foo;", "hash ${x;", "hash $;", "hash $no_such_var;",
            "random two least_time=header;", "lb4j_strategy peak-ewma;", "lb4j_strategy nope;", "keepalive 8;",
            "zone z 64k;", "least_conn x;", "hash;", "random three;"}};
    private static final String[][] SPACES = {{" ", " ", " ", "\n", "\n    "}, {"\t", "\r\n", " # note\n", "\n\n"}};
    private static final String[] INSERTS = {"{", "}", ";", "#", "\"", "'", "\\", "$", " ", "\n", "=", ":", "0", "9",
            "server", "backup", "weight=2", "upstream", "least_conn;", "\u0000", "\f"};

    private final Random random;

    NginxBlockGenerator(Random random) {
        this.random = random;
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private String pick(String[][] usualAndOdd) {
        return pick(usualAndOdd[random.nextInt(5) == 0 ? 1 : 0]);
    }

    private String space() {
        return pick(SPACES);
    }

    /** One candidate block. */
    String next() {
        StringBuilder b = new StringBuilder("upstream").append(space()).append(pick(NAMES)).append(space()).append('{');
        int statements = random.nextInt(5);
        boolean anyServer = false;
        for (int i = 0; i < statements || !anyServer && random.nextInt(4) > 0; i++) {
            b.append(space());
            if (random.nextInt(6) == 0) {
                b.append(pick(BALANCERS));
                continue;
            }
            anyServer = true;
            b.append("server").append(space()).append(pick(ADDRESSES));
            int parameters = random.nextInt(3);
            for (int p = 0; p < parameters; p++) {
                b.append(space()).append(parameter());
            }
            b.append(random.nextInt(30) == 0 ? "" : ";");
        }
        b.append(space()).append('}');
        String text = b.toString();
        int mutations = random.nextBoolean() ? 0 : 1 + random.nextInt(2);
        for (int i = 0; i < mutations; i++) {
            text = mutate(text);
        }
        return text;
    }

    private String parameter() {
        switch (random.nextInt(5)) {
            case 0:
                return "weight=" + pick(NUMBERS);
            case 1:
                return "max_fails=" + pick(NUMBERS);
            case 2: {
                String t = pick(TIMES);
                return t.startsWith("\"") ? "\"fail_timeout=" + t.substring(1) : "fail_timeout=" + t;
            }
            default:
                return pick(FLAGS);
        }
    }

    private String mutate(String s) {
        List<int[]> words = words(s);
        int at = random.nextInt(s.length() + 1);
        switch (random.nextInt(7)) {
            case 0: { // delete a word
                int[] w = words.get(random.nextInt(words.size()));
                return s.substring(0, w[0]) + s.substring(w[1]);
            }
            case 1: { // repeat a word
                int[] w = words.get(random.nextInt(words.size()));
                return s.substring(0, w[1]) + " " + s.substring(w[0], w[1]) + s.substring(w[1]);
            }
            case 2: { // swap two words
                int i = random.nextInt(words.size());
                int j = random.nextInt(words.size());
                int[] a = words.get(Math.min(i, j));
                int[] c = words.get(Math.max(i, j));
                if (a == c) {
                    return s;
                }
                return s.substring(0, a[0]) + s.substring(c[0], c[1]) + s.substring(a[1], c[0])
                        + s.substring(a[0], a[1]) + s.substring(c[1]);
            }
            case 3: // insert a snippet
                return s.substring(0, at) + pick(INSERTS) + s.substring(at);
            case 4: // delete a character
                return at < s.length() ? s.substring(0, at) + s.substring(at + 1) : s;
            case 5: { // wrap a word in quotes
                int[] w = words.get(random.nextInt(words.size()));
                String q = random.nextBoolean() ? "\"" : "'";
                return s.substring(0, w[0]) + q + s.substring(w[0], w[1]) + q + s.substring(w[1]);
            }
            default: { // replace a word with a directive or parameter
                int[] w = words.get(random.nextInt(words.size()));
                String by = random.nextBoolean() ? parameter() : pick(BALANCERS);
                return s.substring(0, w[0]) + by + s.substring(w[1]);
            }
        }
    }

    /** Start and end of each run of characters that are not white space. */
    private static List<int[]> words(String s) {
        List<int[]> words = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && NginxLexer.isSpace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !NginxLexer.isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                words.add(new int[]{start, i});
            }
        }
        if (words.isEmpty()) {
            words.add(new int[]{0, 0});
        }
        return words;
    }

    private static int offset(String text, int line, int column) {
        int i = 0;
        for (int l = 1; l < line && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                l++;
            }
        }
        return Math.min(text.length(), i + column - 1);
    }

    /**
     * Whether nginx -t would take long: {@code hash ... consistent} puts 160 points per unit of weight on its
     * ring, so a weight of a million takes a minute.
     */
    static boolean slowForNginx(String text) {
        return text.contains("consistent") && Pattern.compile("weight=[0-9]{5,}").matcher(text).find();
    }

    /**
     * Whether nginx would look a name up for {@code text}: a word after {@code server} whose host is not an
     * IPv4 literal, {@code localhost}, a bracketed address or a {@code unix:} path (as far as lb4j's lexer
     * reads the text; text it cannot read asks nothing).
     */
    static boolean asksDns(String text) {
        List<NginxLexer.Token> tokens;
        try {
            tokens = NginxLexer.tokens(text);
        } catch (NginxConfigException e) {
            // nginx runs the directives before the bad token: look at those
            int offset = offset(text, e.line(), e.column());
            if (offset >= text.length()) {
                return true;
            }
            return asksDns(text.substring(0, offset));
        }
        for (int i = 1; i < tokens.size(); i++) {
            NginxLexer.Token previous = tokens.get(i - 1);
            NginxLexer.Token t = tokens.get(i);
            if (previous.kind() != NginxLexer.Kind.WORD || !previous.text().equals("server")
                    || t.kind() != NginxLexer.Kind.WORD) {
                continue;
            }
            String a = t.text();
            if (a.startsWith("[") || a.startsWith("unix:")) {
                continue;
            }
            String host = a.split("[:/?]", 2)[0];
            if (!host.isEmpty() && !host.equalsIgnoreCase("localhost") && !host.matches("[0-9]+(\\.[0-9]+){0,3}")) {
                return true;
            }
        }
        return false;
    }
}
