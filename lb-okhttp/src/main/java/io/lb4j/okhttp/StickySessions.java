package io.lb4j.okhttp;

import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

import java.security.SecureRandom;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Session persistence of a {@link LoadBalancingInterceptor}:
 * <ul>
 *   <li>by key: a {@link RequestKey} tag, or the header named {@code hashKeyHeader}, becomes the pick's
 *       hash key ({@link PickContext#ofKey(String)});</li>
 *   <li>by cookie (HAProxy {@code cookie SRV insert indirect}): the server that answered is named by an
 *       opaque {@link StickyTokens token} in a cookie saved in the client's jar for the logical host and
 *       added to the response; read back from the request's {@code Cookie} header or the jar, asked for
 *       with {@link PickContext#preferring(String)}, and never sent to a server. A token resolves only to a
 *       current member, so a forged one can never direct a request outside the pool.</li>
 * </ul>
 * Holds one {@link StickyTokens} per pool; {@link #close()} releases them (their pool listeners).
 *
 * <p>Thread-safe.
 */
final class StickySessions {
    private final String cookieName;
    private final String hashKeyHeader;
    private final byte[] secret;
    private final Map<Pool, StickyTokens> tokens = new IdentityHashMap<>(); // guarded by this

    /**
     * @param cookieName    the sticky cookie's name, or null for no cookie persistence
     * @param secret        the HMAC secret, or null for 32 random bytes
     * @param hashKeyHeader the header whose value is the hash key, or null
     */
    StickySessions(String cookieName, byte[] secret, String hashKeyHeader) {
        this.cookieName = cookieName;
        this.hashKeyHeader = hashKeyHeader;
        if (cookieName != null && secret == null) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
        this.secret = secret;
    }

    /** The sticky cookie's name, or null. */
    String cookieName() {
        return cookieName;
    }

    /** The tokens of {@code pool} (one table per pool), or null without cookie persistence. */
    synchronized StickyTokens tokensFor(Pool pool) {
        return cookieName == null ? null : tokens.computeIfAbsent(pool, p -> new StickyTokens(p, secret));
    }

    /** The pick context of a request: its hash key, if it has one. */
    PickContext context(Request request) {
        RequestKey tag = request.tag(RequestKey.class);
        String key = tag != null ? tag.value() : hashKeyHeader == null ? null : request.header(hashKeyHeader);
        return key == null ? PickContext.none() : PickContext.ofKey(key);
    }

    /** The member id the request's sticky cookie names (header first, then the client's jar), or null. */
    String stickyServer(CookieJar clientJar, Request request, StickyTokens sticky) {
        if (sticky == null) {
            return null;
        }
        for (String header : request.headers("Cookie")) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(cookieName)) {
                    String id = sticky.resolve(pair.substring(eq + 1).trim());
                    if (id != null) {
                        return id;
                    }
                }
            }
        }
        for (Cookie c : clientJar.loadForRequest(request.url())) {
            if (c.name().equals(cookieName)) {
                String id = sticky.resolve(c.value());
                if (id != null) {
                    return id;
                }
            }
        }
        return null;
    }

    /** The request without lb4j's sticky cookie in its {@code Cookie} headers (HAProxy "indirect"). */
    Request withoutStickyCookie(Request request) {
        List<String> cookies = request.headers("Cookie");
        if (cookieName == null || cookies.isEmpty()) {
            return request;
        }
        Request.Builder b = request.newBuilder().removeHeader("Cookie");
        for (String header : cookies) {
            String kept = withoutCookie(header, cookieName);
            if (!kept.isEmpty()) {
                b.addHeader("Cookie", kept);
            }
        }
        return b.build();
    }

    /**
     * The response to give the caller: when {@code server} is not the one the request's cookie named, a
     * new sticky cookie for it is saved in the client's jar under the logical URL and added to the response.
     *
     * @param prefix the route's path prefix, the cookie's path
     */
    Response stick(CookieJar clientJar, HttpUrl logicalUrl, String prefix, StickyTokens sticky, String stickyId,
                   Server server, Response response) {
        if (sticky == null || server.id().equals(stickyId)) {
            return response;
        }
        try {
            Cookie.Builder cb = new Cookie.Builder().name(cookieName).value(sticky.token(server.id()))
                    .hostOnlyDomain(logicalUrl.host()).path(prefix).httpOnly();
            if (logicalUrl.isHttps()) {
                cb.secure();
            }
            Cookie cookie = cb.build();
            clientJar.saveFromResponse(logicalUrl, List.of(cookie));
            return response.newBuilder().addHeader("Set-Cookie", cookie.toString()).build();
        } catch (RuntimeException | Error e) {
            response.close(); // e.g. the client's CookieJar threw: the caller never gets the response to close
            throw e;
        }
    }

    /** Releases every pool's tokens and their pool listeners. */
    synchronized void close() {
        tokens.values().forEach(StickyTokens::close);
    }

    static String withoutCookie(String header, String name) {
        StringBuilder sb = new StringBuilder(header.length());
        for (String pair : header.split(";")) {
            String p = pair.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(p);
        }
        return sb.toString();
    }
}
