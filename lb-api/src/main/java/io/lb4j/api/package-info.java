/**
 * The small public API of lb4j: servers, pools, strategies and the immutable pickers they publish,
 * the lease a caller completes after each call, health states and events, and the exceptions.
 *
 * <p>This package depends on the JDK only. Implementations live in {@code lb-algorithms}; adapters
 * ({@code lb-okhttp}, {@code lb-jdbc}) speak only to these types.
 *
 * <h2>One request, end to end</h2>
 * <pre>{@code
 * Lease lease = pool.acquire(PickContext.ofKey(userId)); // lock-free: snapshot.picker.pick(ctx)
 * try {
 *     Response r = call(lease.server());
 *     lease.success();                                    // in-flight -1, latency into peak EWMA
 * } catch (IOException e) {
 *     lease.failure(e);                                   // feeds passive health
 *     throw e;
 * }
 * }</pre>
 */
package io.lb4j.api;
