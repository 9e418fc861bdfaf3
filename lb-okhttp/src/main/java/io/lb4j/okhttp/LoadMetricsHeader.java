package io.lb4j.okhttp;

import io.lb4j.api.LoadReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Reads the {@code endpoint-load-metrics} response header, the ORCA load report that gRPC servers and
 * Envoy exchange over HTTP, in its TEXT form:
 * <pre>  endpoint-load-metrics: TEXT cpu_utilization=0.3, mem_utilization=0.8, rps_fractional=10.0, eps=1,
 *          named_metrics.foo=123, utilization.gpu=0.5</pre>
 * Strict grammar: {@code "TEXT" SP pair *("," *SP pair)}, each pair {@code key=number} with a decimal
 * number ({@code 0.3}, {@code 10}, {@code 1e-3}); keys are {@code cpu_utilization},
 * {@code application_utilization}, {@code mem_utilization}, {@code rps_fractional}, {@code eps}, and
 * {@code named_metrics.NAME}, {@code utilization.NAME}, {@code request_cost.NAME} (NAME of letters, digits,
 * {@code _ . -}); {@code request_cost} entries are accepted and not kept. A key given twice, an unknown
 * key, a value out of {@link LoadReport}'s ranges, anything after the last pair, or a header over
 * {@value #MAX_LENGTH} characters rejects the whole header. The JSON form is read as strictly by
 * {@link LoadMetricsJson}; the BIN form (a base64 protobuf) is not read and is rejected the same way.
 *
 * <p>A rejected header is ignored and counted ({@link #rejected()}), never thrown to the caller; the first
 * rejection is logged at WARN with the reason (never the header's value), later ones only counted.
 *
 * <p>Thread-safe.
 */
final class LoadMetricsHeader {
    private static final Logger log = LoggerFactory.getLogger(LoadMetricsHeader.class);
    /** The header's name. */
    static final String NAME = "endpoint-load-metrics";
    /** Longest header value read. */
    static final int MAX_LENGTH = 4096;
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern NAMED = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

    private final LongAdder rejected = new LongAdder();
    private final AtomicBoolean logged = new AtomicBoolean();

    /** Headers rejected so far. */
    long rejected() {
        return rejected.sum();
    }

    /**
     * The report in {@code value}, or null when it is absent or rejected (and then counted).
     *
     * @param value the header's value, may be null
     */
    LoadReport read(String value) {
        if (value == null) {
            return null;
        }
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            rejected.increment();
            if (logged.compareAndSet(false, true)) {
                log.warn("ignoring an invalid {} response header ({}); further invalid headers are only counted",
                        NAME, e.getMessage());
            }
            return null;
        }
    }

    /**
     * Parses one TEXT header value.
     *
     * @throws IllegalArgumentException saying what is wrong, without the value itself
     */
    static LoadReport parse(String value) {
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("longer than " + MAX_LENGTH + " characters");
        }
        if (value.startsWith("JSON ")) {
            return LoadMetricsJson.parse(value);
        }
        if (!value.startsWith("TEXT ")) {
            throw new IllegalArgumentException("neither the TEXT nor the JSON form (BIN is not read)");
        }
        LoadReport.Builder b = LoadReport.custom();
        Set<String> seen = new HashSet<>();
        String[] pairs = value.substring(5).split(",", -1);
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            int start = 0;
            if (i > 0) {
                while (start < pair.length() && pair.charAt(start) == ' ') {
                    start++;
                }
            }
            int eq = pair.indexOf('=', start);
            if (eq < 0) {
                throw new IllegalArgumentException("pair " + (i + 1) + " has no '='");
            }
            String key = pair.substring(start, eq);
            String number = pair.substring(eq + 1);
            if (!NUMBER.matcher(number).matches()) {
                throw new IllegalArgumentException("the value of " + safeKey(key) + " is not a decimal number");
            }
            if (!seen.add(key)) {
                throw new IllegalArgumentException(safeKey(key) + " is given twice");
            }
            apply(b, key, Double.parseDouble(number));
        }
        return b.build();
    }

    private static void apply(LoadReport.Builder b, String key, double v) {
        switch (key) {
            case "cpu_utilization" -> b.cpuUtilization(v);
            case "application_utilization" -> b.applicationUtilization(v);
            case "mem_utilization" -> b.memUtilization(v);
            case "rps_fractional" -> b.rps(v);
            case "eps" -> b.eps(v);
            default -> {
                if (key.startsWith("named_metrics.") && NAMED.matcher(key.substring(14)).matches()) {
                    b.namedMetric(key.substring(14), v);
                } else if (key.startsWith("utilization.") && NAMED.matcher(key.substring(12)).matches()) {
                    b.utilization(key.substring(12), v);
                } else if (key.startsWith("request_cost.") && NAMED.matcher(key.substring(13)).matches()) {
                    return; // a per-request cost: valid, not part of the server's load
                } else {
                    throw new IllegalArgumentException("unknown key " + safeKey(key));
                }
            }
        }
    }

    /** The key for a message: quoted when it is a plain token, otherwise only its length. */
    private static String safeKey(String key) {
        return NAMED.matcher(key).matches() ? "'" + key + "'" : "a key of " + key.length() + " characters";
    }
}
