package io.lb4j.jdbc;

import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A parsed {@code jdbc:lb:} URL; {@link LbUrlParser} implements the grammar written down in
 * {@link LbDriver}. Its hosts are checked DNS names or IP literals and its database a plain name, so
 * {@link #toString()} and {@link #nodeUrl} hold no credentials and no option values but those of
 * {@code lb.*} options (which are not secrets). Immutable.
 */
final class LbUrl {
    static final String PREFIX = "jdbc:lb:";
    static final int DEFAULT_PORT = 3306;

    /** One host of the URL; {@code host} is a DNS name or an IP literal without brackets. */
    record Host(String host, int port, boolean primary) {
        String address() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    final String subProtocol;
    final List<Host> hosts;
    /** The database, a plain name (see {@link LbUrlParser}), or null. */
    final String database;
    /** Options starting with {@code lb.}, from the Properties then the URL (the URL wins). */
    final Map<String, String> lbOptions;
    /** Everything else, for the underlying driver. */
    final Properties driverProperties;

    LbUrl(String subProtocol, List<Host> hosts, String database, Map<String, String> lbOptions, Properties driverProperties) {
        this.subProtocol = subProtocol;
        this.hosts = List.copyOf(hosts);
        this.database = database;
        this.lbOptions = Collections.unmodifiableMap(new LinkedHashMap<>(lbOptions));
        this.driverProperties = driverProperties;
    }

    static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** See {@link LbUrlParser#parse}. */
    static LbUrl parse(String url, Properties info) throws SQLException {
        return LbUrlParser.parse(url, info);
    }

    /**
     * The URL for messages and logs: the parsed form ({@link #toString()}: sub-protocol, checked hosts,
     * database, {@code lb.*} options) when it parses, otherwise a placeholder. Never any raw URL text.
     */
    static String safe(String url) {
        if (!accepts(url)) {
            return "(not a jdbc:lb: URL; not shown)";
        }
        try {
            return parse(url, null).toString();
        } catch (SQLException | RuntimeException e) {
            return "(a jdbc:lb: URL that does not parse; not shown)";
        }
    }

    static SQLException bad(String message) {
        return LbUrlParser.bad(message);
    }

    /** The underlying driver's URL of one node: no options, no credentials. */
    String nodeUrl(Host h) {
        return "jdbc:" + subProtocol + "://" + h.address() + "/" + (database == null ? "" : database);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(PREFIX).append(subProtocol).append("://");
        for (int i = 0; i < hosts.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(hosts.get(i).address());
        }
        sb.append('/').append(database == null ? "" : database).append(" {");
        String sep = "";
        for (Map.Entry<String, String> e : lbOptions.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(printable(e.getValue()));
            sep = ", ";
        }
        return sb.append('}').toString();
    }

    /** At most 64 characters, anything but printable ASCII escaped: no line or terminal sequence in a log. */
    private static String printable(String v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(v.length(), 64); i++) {
            char c = v.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return v.length() > 64 ? sb.append("...").toString() : sb.toString();
    }
}
