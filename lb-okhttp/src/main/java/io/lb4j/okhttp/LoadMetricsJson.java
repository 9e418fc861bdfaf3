package io.lb4j.okhttp;

import io.lb4j.api.LoadReport;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON form of the {@code endpoint-load-metrics} header: {@code JSON } followed by an ORCA
 * {@code OrcaLoadReport} in proto3's JSON mapping, e.g.
 * {@code JSON {"cpu_utilization": 0.3, "rps_fractional": 10, "named_metrics": {"queue": 12}}}. Field names
 * are accepted in both forms the proto3 JSON mapping accepts ({@code cpu_utilization} and
 * {@code cpuUtilization}). Strict: an object of known fields whose values are JSON numbers, or objects of
 * names (letters, digits, {@code _ . -}, no escapes) to numbers for {@code named_metrics},
 * {@code utilization} and {@code request_cost} (accepted, not kept); a field given twice (in either form),
 * an unknown field,
 * {@code null}, strings, arrays, nesting beyond that, or anything after the closing brace rejects the header.
 *
 * <p>Stateless and thread-safe.
 */
final class LoadMetricsJson {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

    private final String s;
    private int i;

    private LoadMetricsJson(String s, int start) {
        this.s = s;
        this.i = start;
    }

    /**
     * Parses {@code value}, which starts with {@code "JSON "}.
     *
     * @throws IllegalArgumentException saying what is wrong, without quoting the value
     */
    static LoadReport parse(String value) {
        LoadMetricsJson p = new LoadMetricsJson(value, 5);
        LoadReport.Builder b = LoadReport.custom();
        p.object(b, null);
        p.ws();
        if (p.i != value.length()) {
            throw new IllegalArgumentException("text after the JSON object at offset " + p.i);
        }
        return b.build();
    }

    /** An object; {@code map} is null for the top level, else the name of the map field being read. */
    private void object(LoadReport.Builder b, String map) {
        ws();
        expect('{');
        ws();
        Set<String> seen = new HashSet<>();
        if (peek() == '}') {
            i++;
            return;
        }
        while (true) {
            ws();
            String key = string();
            if (!seen.add(map == null ? canonical(key) : key)) { // cpu_utilization and cpuUtilization are one field
                throw new IllegalArgumentException("field '" + key + "' is given twice");
            }
            ws();
            expect(':');
            ws();
            if (map == null) {
                String field = canonical(key);
                if (field.equals("named_metrics") || field.equals("utilization") || field.equals("request_cost")) {
                    object(b, field);
                } else {
                    apply(b, field, number(key));
                }
            } else {
                double v = number(key);
                if (map.equals("named_metrics")) {
                    b.namedMetric(key, v);
                } else if (map.equals("utilization")) {
                    b.utilization(key, v);
                } // request_cost: a per-request cost, valid, not part of the server's load
            }
            ws();
            char c = next();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected ',' or '}' at offset " + (i - 1));
            }
        }
    }

    private static String canonical(String key) {
        switch (key) {
            case "cpu_utilization", "cpuUtilization" -> {
                return "cpu_utilization";
            }
            case "application_utilization", "applicationUtilization" -> {
                return "application_utilization";
            }
            case "mem_utilization", "memUtilization" -> {
                return "mem_utilization";
            }
            case "rps_fractional", "rpsFractional" -> {
                return "rps_fractional";
            }
            case "eps" -> {
                return "eps";
            }
            case "named_metrics", "namedMetrics" -> {
                return "named_metrics";
            }
            case "utilization" -> {
                return "utilization";
            }
            case "request_cost", "requestCost" -> {
                return "request_cost";
            }
            default -> throw new IllegalArgumentException("unknown field '" + key + "'");
        }
    }

    private static void apply(LoadReport.Builder b, String field, double v) {
        switch (field) {
            case "cpu_utilization" -> b.cpuUtilization(v);
            case "application_utilization" -> b.applicationUtilization(v);
            case "mem_utilization" -> b.memUtilization(v);
            case "rps_fractional" -> b.rps(v);
            default -> b.eps(v);
        }
    }

    /** A name in quotes: letters, digits, {@code _ . -}; no escapes. */
    private String string() {
        expect('"');
        int end = s.indexOf('"', i);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated string at offset " + i);
        }
        String name = s.substring(i, end);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a name of " + name.length() + " characters at offset " + i
                    + " is not letters, digits, '_', '.' or '-'");
        }
        i = end + 1;
        return name;
    }

    /** A JSON number (RFC 8259: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}). */
    private double number(String key) {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else {
            digits(key, start);
        }
        if (peek() == '.') {
            i++;
            digits(key, start);
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            digits(key, start);
        }
        return Double.parseDouble(s.substring(start, i));
    }

    private void digits(String key, int start) {
        int from = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == from) {
            throw new IllegalArgumentException("the value of '" + key + "' at offset " + start + " is not a JSON number");
        }
    }

    private void ws() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\r' || s.charAt(i) == '\n')) {
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
        if (i >= s.length()) {
            throw new IllegalArgumentException("the JSON object ends early");
        }
        return s.charAt(i++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("expected '" + c + "' at offset " + (i - 1));
        }
    }
}
