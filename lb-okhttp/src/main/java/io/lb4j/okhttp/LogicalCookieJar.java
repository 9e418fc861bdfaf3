package io.lb4j.okhttp;

import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The client's cookie jar as the rest of the chain sees it during one call to a logical host: scoped as a
 * browser talking to a reverse proxy at the logical host would scope it. Below the interceptor OkHttp
 * works with the servers' addresses; this jar maps every request and response <em>of a pool member</em>
 * to the logical host, and nothing else.
 * <ul>
 *   <li><b>Sending</b> to a member (the try's server, or another current member a redirect went to): the
 *       client jar's cookies for the same URL at the logical host, host-only cookies of the logical host
 *       only (so a Domain cookie some other host set for a parent domain never reaches the pool), without
 *       lb4j's sticky cookie.</li>
 *   <li><b>Storing</b> what a member sets: a host-only cookie becomes a host-only cookie of the logical
 *       host, so every member shares the session; a cookie with a {@code Domain} is kept, host-only for the
 *       logical host, only when that domain domain-matches the logical host, as a browser would require;
 *       any other (e.g. {@code Domain=} the member's own network domain) is dropped, so nothing a member
 *       sets is ever stored where the client would send it to hosts outside the pool. A cookie named like
 *       lb4j's sticky cookie is dropped too (HAProxy {@code indirect}): no member can overwrite it.</li>
 *   <li><b>Anything else</b>: a request OkHttp is about to send below the interceptor to a host that is
 *       not a member (a redirect from a member to another host, or to the logical URL itself, which only
 *       the interceptor can balance) is refused before it is sent: {@link #loadForRequest} throws
 *       {@link OutsidePool}, which the interceptor turns into a {@link RedirectRefusedException}. So no
 *       logical-host cookie, header or body ever reaches a host outside the pool through the logical
 *       host's identity, and no response from outside it is ever stored under the logical host.</li>
 * </ul>
 * Membership is by host and port: the try's server is checked first (one comparison); the pool's member
 * list is read only for a request to another address, i.e. a redirect.
 *
 * <p>One per call; {@link #beginTry(Server)} is called before each try, one try at a time.
 */
final class LogicalCookieJar implements CookieJar {
    private static final Logger log = LoggerFactory.getLogger(LogicalCookieJar.class);

    private final CookieJar delegate;
    private final HttpUrl logical;
    private final Pool pool;
    private final String sticky;
    private volatile Server server;

    /**
     * @param delegate the client's jar ({@link CookieJar#NO_COOKIES} too: the redirect check applies anyway)
     * @param logical  the request's URL at the logical host (canonical host name)
     * @param pool     the pool the call is balanced over
     * @param sticky   lb4j's sticky cookie name, never sent to a server; null for none
     */
    LogicalCookieJar(CookieJar delegate, HttpUrl logical, Pool pool, String sticky) {
        this.delegate = delegate;
        this.logical = logical;
        this.pool = pool;
        this.sticky = sticky;
    }

    /** The server the next try goes to. */
    void beginTry(Server server) {
        this.server = server;
    }

    @Override
    public List<Cookie> loadForRequest(HttpUrl url) {
        if (!isMember(url)) {
            throw new OutsidePool(url, pool.name(), logical.host());
        }
        List<Cookie> all = delegate.loadForRequest(atLogicalHost(url));
        if (all.isEmpty()) {
            return all;
        }
        List<Cookie> kept = new ArrayList<>(all.size());
        for (Cookie c : all) {
            if (c.hostOnly() && c.domain().equals(logical.host()) && !c.name().equals(sticky)) {
                kept.add(c);
            }
        }
        return kept;
    }

    @Override
    public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
        if (!isMember(url)) {
            // Unreachable while loadForRequest refuses such requests; never under the logical host.
            delegate.saveFromResponse(url, cookies);
            return;
        }
        List<Cookie> forLogical = new ArrayList<>(cookies.size());
        for (Cookie c : cookies) {
            if (c.name().equals(sticky)) {
                // HAProxy "insert indirect": a server's own cookie of that name is removed, so that no member can
                // overwrite (and so end or redirect) the client's stickiness
                log.debug("dropped cookie '{}' of a server of pool '{}': lb4j's sticky cookie", c.name(), pool.name());
            } else if (c.hostOnly() || domainMatch(logical.host(), c.domain())) {
                forLogical.add(OkHttpSupport.copy(c).hostOnlyDomain(logical.host()).build());
            } else {
                log.debug("dropped cookie '{}' of a server of pool '{}': Domain={} does not match logical host {}",
                        c.name(), pool.name(), c.domain(), logical.host());
            }
        }
        if (!forLogical.isEmpty()) {
            delegate.saveFromResponse(atLogicalHost(url), forLogical);
        }
    }

    /** {@code url} (a member's) as the same URL at the logical host. */
    private HttpUrl atLogicalHost(HttpUrl url) {
        return url.newBuilder().host(logical.host()).port(logical.port()).build();
    }

    private boolean isMember(HttpUrl url) {
        return isMember(server, pool, url);
    }

    /** Whether {@code url} is {@code tryServer}'s address (checked first; may be null) or a current member's of {@code pool}. */
    static boolean isMember(Server tryServer, Pool pool, HttpUrl url) {
        if (tryServer != null && is(tryServer, url)) {
            return true;
        }
        for (Server m : pool.servers()) {
            if (is(m, url)) {
                return true;
            }
        }
        return false;
    }

    private static boolean is(Server s, HttpUrl url) {
        if (s.port() != url.port()) {
            return false;
        }
        if (s.host().equals(url.host())) {
            return true; // the usual case: an IPv4 literal or a lower-case name is already canonical
        }
        try {
            return url.newBuilder().host(s.host()).build().host().equals(url.host()); // OkHttp's canonical form
        } catch (IllegalArgumentException e) {
            return false; // a host OkHttp cannot use is never where a request went
        }
    }

    /** RFC 6265 domain-match: {@code host} is {@code domain} or a name under it. */
    private static boolean domainMatch(String host, String domain) {
        return host.equals(domain) || (host.endsWith(domain) && host.charAt(host.length() - domain.length() - 1) == '.');
    }

    /**
     * Thrown out of {@link #loadForRequest} to stop a request to a host outside the pool before OkHttp
     * sends it; unchecked, so that it passes OkHttp's follow-up and recovery code untouched. The interceptor
     * turns it into a {@link RedirectRefusedException}; it reaches a caller only on OkHttp 4.12, for a call
     * made on the thread of a balanced call while that call is in flight, through a client sharing its
     * cookie jar without the interceptor (see {@link LoadBalancingInterceptor#cookieJar}).
     */
    static final class OutsidePool extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient HttpUrl target;

        OutsidePool(HttpUrl target, String pool, String logicalHost) {
            super("request to " + target.host() + ":" + target.port() + " refused: not a member of pool '" + pool
                    + "', and made while a call to logical host '" + logicalHost + "' was in flight on this thread "
                    + "(a redirect, or a call through a client sharing its LoadBalancingInterceptor.cookieJar "
                    + "without the interceptor)", null, false, false);
            this.target = target;
        }

        HttpUrl target() {
            return target;
        }
    }
}
