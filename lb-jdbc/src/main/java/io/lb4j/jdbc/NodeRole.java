package io.lb4j.jdbc;

/**
 * What the last role probe of one node found: whether it answered, {@code @@global.read_only}, and whether
 * it replicates and from whom ({@code SHOW REPLICA STATUS}: a source configured and its IO thread running
 * or connecting, or its SQL thread running). Immutable.
 *
 * @param reachable   the probe connected and ran its queries
 * @param readOnly    {@code @@global.read_only} was ON (false when unreachable)
 * @param replicating the node replicates from {@code source}
 * @param source      {@code host:port} of its replication source, or null
 * @param detail      a human-readable summary (an error when unreachable)
 * @param nanoTime    the ticker reading of the probe
 */
record NodeRole(boolean reachable, boolean readOnly, boolean replicating, String source, String detail, long nanoTime) {

    static NodeRole unreachable(String detail, long nanoTime) {
        return new NodeRole(false, false, false, null, detail, nanoTime);
    }

    /** Writable and not replicating: a node that can only be a primary. */
    boolean writableSource() {
        return reachable && !readOnly && !replicating;
    }

    /** The role name shown by the JMX bean and stats. */
    String roleName() {
        if (!reachable) {
            return "unreachable";
        }
        if (replicating) {
            return "replica of " + source + (readOnly ? "" : " (writable)");
        }
        return readOnly ? "read-only, not replicating" : "writable, not replicating";
    }
}
