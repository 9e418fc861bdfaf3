package io.lb4j.jdbc;

import io.lb4j.api.Server;
import io.lb4j.pool.PassiveHealth;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code lb.*} options of a {@code jdbc:lb:} URL (the table in {@link LbDriver}'s javadoc): each one parsed,
 * validated with a message naming the option, its value and what is allowed (values of {@code lb.*} options
 * are not secrets), and applied to a {@link ReplicaRoutingDataSourceBuilder} over one
 * {@link DriverNodeDataSource} per host. An unknown {@code lb.*} option is refused, listing the known ones.
 *
 * <p>Stateless; thread-safe.
 */
final class LbOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    /** The {@code lb.*} options the driver knows. */
    static final List<String> OPTIONS = List.of("lb.strategy", "lb.maxLag", "lb.replicationCheck",
            "lb.readFromPrimaryWhenNoReplicas", "lb.readYourWrites", "lb.readYourWritesScope", "lb.readYourWritesTimeout",
            "lb.checkInterval", "lb.checkTimeout", "lb.rise", "lb.fall", "lb.maxFails", "lb.failTimeout",
            "lb.maxEjectionPercent", "lb.name", "lb.failover", "lb.readsWhenPrimaryDown");


    private LbOptions() {
    }

    /**
     * The routing for a parsed URL: its {@code lb.*} options validated and applied, one
     * {@link DriverNodeDataSource} per host.
     *
     * @param manualHealthChecks probes only on {@code checkHealthNow()} (tests, {@code JdbcInternals})
     * @throws SQLException (HY024) naming an unknown option, or an option whose value is invalid and what is allowed
     */
    static ReplicaRoutingDataSource build(LbUrl url, boolean manualHealthChecks) throws SQLException {
        Map<String, String> o = url.lbOptions;
        for (String k : o.keySet()) {
            if (!OPTIONS.contains(k)) {
                throw LbUrl.bad("unknown option " + k + "; known: " + OPTIONS);
            }
        }
        ReplicaRoutingDataSourceBuilder b = ReplicaRoutingDataSource.builder().retainPhysicalConnections(true);
        LbUrl.Host primary = url.hosts.get(0);
        String name = o.getOrDefault("lb.name", "lb:" + primary.address());
        apply("lb.name", name, () -> b.name(name));
        String strategy = o.getOrDefault("lb.strategy", Strategies4Jdbc.DEFAULT);
        apply("lb.strategy", strategy, () -> b.strategy(Strategies4Jdbc.byName(strategy)));
        if (o.containsKey("lb.maxLag")) {
            String v = o.get("lb.maxLag");
            Duration d = v.equalsIgnoreCase("off") || v.equalsIgnoreCase("none") ? null : duration("lb.maxLag", v);
            apply("lb.maxLag", v, () -> b.maxLag(d));
        }
        if (o.containsKey("lb.replicationCheck")) {
            b.replicationCheck(bool("lb.replicationCheck", o.get("lb.replicationCheck")));
        }
        if (o.containsKey("lb.readFromPrimaryWhenNoReplicas")) {
            b.readFromPrimaryWhenNoReplicas(bool("lb.readFromPrimaryWhenNoReplicas", o.get("lb.readFromPrimaryWhenNoReplicas")));
        }
        b.readYourWrites(readYourWrites(o));
        durationOption(o, "lb.checkInterval", b::checkInterval);
        durationOption(o, "lb.checkTimeout", b::checkTimeout);
        intOption(o, "lb.rise", b::rise);
        intOption(o, "lb.fall", b::fall);
        intOption(o, "lb.maxEjectionPercent", b::maxEjectionPercent);
        if (o.containsKey("lb.maxFails") || o.containsKey("lb.failTimeout")) {
            int maxFails = o.containsKey("lb.maxFails") ? integer("lb.maxFails", o.get("lb.maxFails")) : PassiveHealth.DEFAULT_MAX_FAILS;
            Duration failTimeout = o.containsKey("lb.failTimeout") ? duration("lb.failTimeout", o.get("lb.failTimeout"))
                    : PassiveHealth.DEFAULT_FAIL_TIMEOUT;
            apply("lb.maxFails/lb.failTimeout", maxFails + "/" + failTimeout, () -> b.passiveHealth(PassiveHealth.nginx(maxFails, failTimeout)));
        }
        if (o.containsKey("lb.failover")) {
            b.failover(bool("lb.failover", o.get("lb.failover")));
        }
        if (o.containsKey("lb.readsWhenPrimaryDown")) {
            String v = o.get("lb.readsWhenPrimaryDown");
            ReadsWhenPrimaryDown policy = call("lb.readsWhenPrimaryDown", v, () -> ReadsWhenPrimaryDown.parse(v));
            b.readsWhenPrimaryDown(policy);
        }
        Properties props = new Properties();
        props.putAll(url.driverProperties);
        if (props.getProperty("connectTimeout") == null) {
            props.setProperty("connectTimeout", "10000");
        }
        for (LbUrl.Host h : url.hosts) {
            Server server = Server.builder(h.host(), h.port()).build();
            DataSource node = new DriverNodeDataSource(url.nodeUrl(h), props);
            if (h.primary()) {
                b.primary(server, node);
            } else {
                b.replica(server, node);
            }
        }
        return b.scheduleHealthChecks(!manualHealthChecks).build();
    }

    private interface Setter {
        void run();
    }

    private static void apply(String option, String value, Setter setter) throws SQLException {
        try {
            setter.run();
        } catch (RuntimeException e) {
            // not only IllegalArgumentException: no ArithmeticException or NullPointerException of the
            // configuration code may escape connect(); the message names the option (values of lb.*
            // options are not secrets)
            throw new SQLException(option + "=" + value + " is invalid: " + e.getMessage(), "HY024", e);
        }
    }

    private interface DurationSetter {
        void set(Duration d);
    }

    private interface IntSetter {
        void set(int i);
    }

    private static void durationOption(Map<String, String> o, String option, DurationSetter setter) throws SQLException {
        if (o.containsKey(option)) {
            Duration d = duration(option, o.get(option));
            apply(option, o.get(option), () -> setter.set(d));
        }
    }

    private static void intOption(Map<String, String> o, String option, IntSetter setter) throws SQLException {
        if (o.containsKey(option)) {
            int i = integer(option, o.get(option));
            apply(option, o.get(option), () -> setter.set(i));
        }
    }

    private static ReadYourWrites readYourWrites(Map<String, String> o) throws SQLException {
        String mode = o.getOrDefault("lb.readYourWrites", "off");
        ReadYourWrites ryw;
        if (mode.equalsIgnoreCase("off") || mode.equalsIgnoreCase("false")) {
            ryw = ReadYourWrites.off();
        } else if (mode.equalsIgnoreCase("session") || mode.equalsIgnoreCase("gtid")) {
            String t = o.get("lb.readYourWritesTimeout");
            Duration wait = t == null ? ReadYourWrites.DEFAULT_GTID_WAIT : duration("lb.readYourWritesTimeout", t);
            ryw = call("lb.readYourWritesTimeout", t, () -> ReadYourWrites.gtid(wait));
        } else {
            Duration window = duration("lb.readYourWrites", mode, "off, session, or a window such as 2s");
            ryw = call("lb.readYourWrites", mode, () -> ReadYourWrites.timeWindow(window));
        }
        String scope = o.get("lb.readYourWritesScope");
        if (scope != null) {
            ReadYourWrites.Scope s;
            switch (scope.toLowerCase(Locale.ROOT)) {
                case "connection":
                case "session":
                    s = ReadYourWrites.Scope.CONNECTION;
                    break;
                case "thread":
                    s = ReadYourWrites.Scope.THREAD;
                    break;
                default:
                    throw LbUrl.bad("lb.readYourWritesScope=" + scope + " is invalid: allowed connection or thread");
            }
            ryw = ryw.scope(s);
        }
        if (o.containsKey("lb.readYourWritesTimeout") && ryw.mode() != ReadYourWrites.Mode.GTID) {
            throw LbUrl.bad("lb.readYourWritesTimeout is only valid with lb.readYourWrites=session");
        }
        return ryw;
    }

    private interface Factory<T> {
        T get();
    }

    private static <T> T call(String option, String value, Factory<T> f) throws SQLException {
        try {
            return f.get();
        } catch (RuntimeException e) {
            // not only IllegalArgumentException: no ArithmeticException or NullPointerException of the
            // configuration code may escape connect(); the message names the option (values of lb.*
            // options are not secrets)
            throw new SQLException(option + "=" + value + " is invalid: " + e.getMessage(), "HY024", e);
        }
    }

    static Duration duration(String option, String value) throws SQLException {
        return duration(option, value, "a duration such as 500ms, 5s, 2m, 1h or PT5S");
    }

    /** The longest duration any {@code lb.*} option accepts. */
    static final Duration MAX_DURATION = Duration.ofDays(1);

    private static Duration duration(String option, String value, String allowed) throws SQLException {
        Duration d = parseDuration(option, value, allowed);
        if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
            throw LbUrl.bad(option + "=" + value + " is out of range: allowed 0 to " + MAX_DURATION + " (1 day)");
        }
        return d;
    }

    private static Duration parseDuration(String option, String value, String allowed) throws SQLException {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            switch (unit) {
                case "ms":
                    return Duration.ofMillis(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofSeconds(n);
            }
        }
        if (v.startsWith("pt") || v.startsWith("p")) {
            try {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                // fall through
            }
        }
        throw LbUrl.bad(option + "=" + value + " is invalid: allowed " + allowed + ", from 0 to 1 day");
    }

    static boolean bool(String option, String value) throws SQLException {
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw LbUrl.bad(option + "=" + value + " is invalid: allowed true or false");
    }

    static int integer(String option, String value) throws SQLException {
        try {
            return Integer.parseInt(Objects.requireNonNull(value).trim());
        } catch (RuntimeException e) {
            throw LbUrl.bad(option + "=" + value + " is invalid: allowed a whole number");
        }
    }
}
