package io.lb4j.okhttp;

import java.io.IOException;

/**
 * Thrown by {@link LoadBalancingInterceptor} (through {@code Call.execute()} or to the callback's
 * {@code onFailure}) when a server of a logical host's pool answered with a redirect that OkHttp, which
 * follows redirects below application interceptors, was about to follow to an address outside the pool:
 * another host, or the logical URL itself (which only the interceptor can balance). Nothing was sent
 * there: no request, no cookie of the logical host.
 *
 * <p>The message names the logical host, the server and the target; the target is given as scheme, host,
 * port and path, never its query (which may carry a token). To follow such redirects, build the client
 * with {@code followRedirects(false)} and send the {@code Location} as an ordinary request: the client's
 * cookie jar then scopes its cookies to that host, like a browser.
 *
 * <p>Immutable after construction (apart from the suppressed exceptions every {@link Throwable} may
 * collect); safe to pass between threads.
 */
public class RedirectRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The logical host the call was for. */
    private final String logicalHost;
    /** Where the refused request would have gone: scheme, host, port and path, never the query. */
    private final String target;

    /**
     * @param logicalHost the logical host the call was for
     * @param serverId    the pool member that answered with the redirect
     * @param target      where the redirect pointed: scheme, host, port and path, no query
     */
    public RedirectRefusedException(String logicalHost, String serverId, String target) {
        super("redirect from server " + serverId + " of logical host '" + Checks.notNull("logicalHost", logicalHost)
                + "' to " + Checks.notNull("target", target) + " refused: the target is not a member of the pool, and"
                + " OkHttp would follow it below the interceptor with the logical host's identity (cookies, headers);"
                + " build the client with followRedirects(false) to follow redirects as ordinary requests");
        this.logicalHost = logicalHost;
        this.target = target;
    }

    static RedirectRefusedException of(String logicalHost, String serverId, okhttp3.HttpUrl target) {
        String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
        return new RedirectRefusedException(logicalHost, serverId,
                target.scheme() + "://" + host + ":" + target.port() + target.encodedPath());
    }

    /** The logical host the call was for, e.g. {@code orders}. */
    public String logicalHost() {
        return logicalHost;
    }

    /** Where the redirect pointed: scheme, host, port and path, e.g. {@code http://203.0.113.9:8080/x}. */
    public String target() {
        return target;
    }
}
