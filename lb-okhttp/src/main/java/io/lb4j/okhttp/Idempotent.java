package io.lb4j.okhttp;

/**
 * A request tag that overrides whether a request may be retried on another server after it was sent.
 * By default GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent (RFC 9110 §9.2.2) and every
 * other method is not:
 * <pre>{@code
 * Request post = new Request.Builder().url("http://orders/api/lookup")
 *         .post(body).tag(Idempotent.class, Idempotent.YES).build();   // safe to replay
 * Request get = new Request.Builder().url("http://orders/api/charge")
 *         .tag(Idempotent.class, Idempotent.NO).build();              // never replay
 * }</pre>
 * A request that was never sent (connect failure) is retried whatever its tag says.
 *
 * <p>Immutable and thread-safe (an enum).
 */
public enum Idempotent {
    /** The request may be replayed on another server after it was sent. */
    YES,
    /** The request must not be replayed once sent, even if its method is idempotent. */
    NO
}
