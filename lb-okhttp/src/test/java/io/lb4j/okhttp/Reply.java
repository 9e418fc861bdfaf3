package io.lb4j.okhttp;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link Backend} answers, independent of the MockWebServer serving it (mockwebserver3 on OkHttp 5,
 * OkHttp 4.12's okhttp3.mockwebserver in the on-okhttp-4 run): a status, headers and a body, optionally
 * delayed headers, or a socket effect instead of an answer. Built by chained setters, then only read.
 */
final class Reply {
    /** Instead of an answer, after reading the request. */
    enum Effect { NONE, STALL, DROP_CONNECTION }

    final int code;
    final Effect effect;
    final List<String[]> headers = new ArrayList<>();
    String body;
    long headersDelayMillis;

    private Reply(int code, Effect effect) {
        this.code = code;
        this.effect = effect;
    }

    /** {@code code} with an empty body unless {@link #body} is set, e.g. for 204 or a redirect. */
    static Reply status(int code) {
        return new Reply(code, Effect.NONE);
    }

    /** Reads the request, never answers, keeps the connection open. */
    static Reply stall() {
        return new Reply(200, Effect.STALL);
    }

    /** Reads the request and closes the connection without answering. */
    static Reply dropConnection() {
        return new Reply(200, Effect.DROP_CONNECTION);
    }

    Reply body(String text) {
        body = text;
        return this;
    }

    Reply header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    Reply headersDelay(long millis) {
        headersDelayMillis = millis;
        return this;
    }

    /** This reply (reads like the MockResponse builders it replaces). */
    Reply build() {
        return this;
    }
}
