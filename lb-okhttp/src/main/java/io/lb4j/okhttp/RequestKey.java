package io.lb4j.okhttp;

/**
 * A request tag carrying the hash key for the pool's hashing strategies (LVS source/destination
 * hashing, Maglev, consistent hashing): requests with the same key go to the same server while it is
 * healthy. Attach with {@code new Request.Builder()...tag(RequestKey.class, new RequestKey(userId))}.
 * A key set by the builder's {@code hashKeyHeader} is used when there is no tag.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the key, not null (may be empty)
 */
public record RequestKey(String value) {
    /** Validates the key: not null. */
    public RequestKey {
        Checks.notNull("value", value);
    }
}
