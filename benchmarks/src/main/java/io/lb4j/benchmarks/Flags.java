package io.lb4j.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small command-line flag reader: {@code --name value}, {@code --name=value} and boolean
 * {@code --name}. Unknown flags, missing values and positional arguments are errors
 * ({@link UsageException}) whose message says what was wrong.
 *
 * <p>Not thread-safe; use once.
 */
public final class Flags {
    private final Map<String, String> values = new LinkedHashMap<>();

    /** A command-line mistake; the message is meant for the user, followed by the usage. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param args          the command line
     * @param valued        flags that take a value (without the leading {@code --})
     * @param booleans      flags that take none
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> booleans) throws UsageException {
        Flags f = new Flags();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h")) {
                a = "--help";
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "' (flags start with --)");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (booleans.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value, was given '" + value + "'");
                }
                f.values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                if (value.isBlank()) {
                    throw new UsageException("--" + name + " needs a non-blank value");
                }
                f.values.put(name, value);
            } else {
                throw new UsageException("unknown flag --" + name);
            }
        }
        return f;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /** An integer in [min, max]. */
    public int integer(String name, int def, int min, int max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        int x;
        try {
            x = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, was '" + v + "'");
        }
        if (x < min || x > max) {
            throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], was " + x);
        }
        return x;
    }

    /** A number in [min, max]. */
    public double number(String name, double def, double min, double max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, was '" + v + "'");
        }
        if (!(x >= min && x <= max)) {
            throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], was " + v);
        }
        return x;
    }

    /** A comma-separated list, each item one of {@code allowed}; {@code def} when absent. */
    public List<String> list(String name, List<String> def, List<String> allowed) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        List<String> out = new java.util.ArrayList<>();
        for (String item : v.split(",")) {
            String s = item.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (!allowed.contains(s)) {
                throw new UsageException("--" + name + ": unknown value '" + s + "'; allowed: " + String.join(", ", allowed));
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw new UsageException("--" + name + " needs at least one value; allowed: " + String.join(", ", allowed));
        }
        return out;
    }
}
