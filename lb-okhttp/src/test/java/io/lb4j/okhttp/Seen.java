package io.lb4j.okhttp;

import okhttp3.Headers;

/**
 * A request a {@link Backend} received, independent of the MockWebServer that received it.
 *
 * @param method        the request's method
 * @param path          the URL's encoded path, e.g. {@code /api/items}
 * @param target        the request line's target, e.g. {@code /api/items?q=1}
 * @param headers       the request's headers
 * @param body          the body as UTF-8, empty when there was none
 * @param exchangeIndex how many requests its connection carried before it (0: a fresh connection)
 */
record Seen(String method, String path, String target, Headers headers, String body, int exchangeIndex) {
    /** The last value of header {@code name}, or null. */
    String header(String name) {
        return headers.get(name);
    }
}
