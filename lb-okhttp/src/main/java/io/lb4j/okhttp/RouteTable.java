package io.lb4j.okhttp;

import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import okhttp3.HttpUrl;
import okhttp3.Request;

import java.io.IOException;
import java.net.UnknownHostException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The layer-7 route table of a {@link LoadBalancingInterceptor}: logical host name → ordered
 * {@code (path prefix, pool)} routes, first match wins. Prefixes are segment-aware and compared with the
 * request's encoded path ({@code /static} matches {@code /static} and {@code /static/x}, not
 * {@code /staticfoo}; {@code /café} matches {@code /caf%C3%A9/x}). A fully qualified logical name with
 * one trailing dot ({@code orders.}) is the same logical host.
 *
 * <p>Built by {@link Builder}, which validates every route when it is added. Immutable and thread-safe
 * once built.
 */
final class RouteTable {
    private final Map<String, Route[]> routesByHost;

    private RouteTable(Map<String, Route[]> routesByHost) {
        this.routesByHost = routesByHost;
    }

    /** The logical host names, in registration order. */
    Set<String> hosts() {
        return Collections.unmodifiableSet(routesByHost.keySet());
    }

    /** Whether {@code hostname} (any case, with or without one trailing dot) is a logical host. */
    boolean isLogical(String hostname) {
        return hostname != null && routesByHost.containsKey(withoutTrailingDot(hostname.toLowerCase(Locale.ROOT)));
    }

    /** The routes of a canonical host name ({@link #withoutTrailingDot}), or null for a host that is not logical. */
    Route[] routes(String host) {
        return routesByHost.get(host);
    }

    /**
     * The route of {@code path} among a host's routes.
     *
     * @throws NoRouteIOException when no route matches; nothing was sent
     */
    static Route find(String host, Route[] routes, String path) throws NoRouteIOException {
        for (Route r : routes) {
            if (matches(r.prefix(), path)) {
                return r;
            }
        }
        throw new NoRouteIOException("no route of logical host '" + host + "' matches path '" + path + "'; routes: "
                + describe(routes));
    }

    /** Every route, for closing and for the per-pool lookups. */
    List<Route> all() {
        List<Route> all = new ArrayList<>();
        for (Route[] routes : routesByHost.values()) {
            Collections.addAll(all, routes);
        }
        return all;
    }

    /** The request with the logical name (and a non-default port) in its {@code Host} header, unless the caller set one. */
    static Request withHostHeader(Request request) {
        if (request.header("Host") != null) {
            return request;
        }
        HttpUrl url = request.url();
        String host = url.port() == HttpUrl.defaultPort(url.scheme()) ? url.host() : url.host() + ":" + url.port();
        return request.newBuilder().header("Host", host).build();
    }

    /** The request sent to {@code server}: the URL's host and port replaced, everything else kept. */
    static Request rewrite(Request template, Server server) throws IOException {
        HttpUrl url;
        try {
            url = template.url().newBuilder().host(server.host()).port(server.port()).build();
        } catch (IllegalArgumentException e) {
            UnknownHostException u = new UnknownHostException("server " + server.id() + " has a host OkHttp cannot use: "
                    + Checks.quote(server.host()) + " (" + e.getMessage() + ")");
            u.initCause(e);
            throw u;
        }
        return template.newBuilder().url(url).build();
    }

    /** {@code host} without one trailing '.' (the root of a fully qualified name): "orders." is "orders". */
    static String withoutTrailingDot(String host) {
        return host.length() > 1 && host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * Whether {@code prefix} matches {@code path}, segment-aware: {@code /static} matches {@code /static}
     * and {@code /static/x} but not {@code /staticfoo}; {@code /static/} matches {@code /static/x}; {@code /}
     * matches everything.
     */
    static boolean matches(String prefix, String path) {
        if (prefix.equals("/")) {
            return true;
        }
        if (!path.startsWith(prefix)) {
            return false;
        }
        return path.length() == prefix.length() || prefix.endsWith("/") || path.charAt(prefix.length()) == '/';
    }

    private static String describe(Route[] routes) {
        List<String> parts = new ArrayList<>(routes.length);
        for (Route r : routes) {
            parts.add(r.host() + r.prefix() + " -> pool '" + r.pool().name() + "'");
        }
        return parts.toString();
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        for (Route[] routes : routesByHost.values()) {
            all.add(describe(routes));
        }
        return String.join(", ", all);
    }

    /** Collects and validates routes. Not thread-safe. */
    static final class Builder {
        private record Spec(String prefix, Pool pool, RouteOptions options) {
        }

        private final Map<String, List<Spec>> specs = new LinkedHashMap<>();

        boolean isEmpty() {
            return specs.isEmpty();
        }

        /** See {@link LoadBalancingInterceptorBuilder#route(String, String, Pool)}. */
        void add(String logicalHost, String pathPrefix, Pool pool) {
            add(logicalHost, pathPrefix, pool, RouteOptions.ofDefaults());
        }

        /** A route with its options. */
        void add(String logicalHost, String pathPrefix, Pool pool, RouteOptions options) {
            String host = Checks.hostname("logicalHost", logicalHost);
            Checks.notNull("pathPrefix", pathPrefix);
            if (!pathPrefix.startsWith("/") || pathPrefix.chars().anyMatch(c -> Character.isWhitespace(c) || c == '?'
                    || c == '#')) {
                throw new IllegalArgumentException("pathPrefix must start with '/' and contain no white space, '?' or '#',"
                        + " was " + Checks.quote(pathPrefix));
            }
            String prefix = encodedPrefix(pathPrefix);
            Checks.notNull("pool", pool);
            List<Spec> list = specs.computeIfAbsent(host, h -> new ArrayList<>());
            for (Spec earlier : list) {
                if (earlier.prefix().equals(prefix)) {
                    throw new IllegalArgumentException("logicalHost '" + host + "' is already mapped for path prefix '"
                            + prefix + "' (to pool '" + earlier.pool().name() + "'); duplicate logical names are not allowed");
                }
                if (matches(earlier.prefix(), prefix)) {
                    throw new IllegalArgumentException("route " + host + prefix + " -> pool '" + pool.name()
                            + "' is unreachable: the earlier route " + host + earlier.prefix() + " matches every path it"
                            + " would (first match wins; add more specific prefixes first)");
                }
            }
            list.add(new Spec(prefix, pool, Checks.notNull("options", options)));
        }

        /** The table of routes none of which hedges. */
        RouteTable build(Function<Pool, Route.PoolPolicies> perPool) {
            return build(perPool, (p, h) -> {
                throw new IllegalStateException("no hedger for pool '" + p.name() + "'");
            });
        }

        /** Whether any route hedges. */
        boolean hedges() {
            return specs.values().stream().flatMap(List::stream).anyMatch(s -> s.options().hedging() != null);
        }

        /**
         * The table, with each route's per-pool policies from {@code perPool} (called once per distinct pool)
         * and, for a hedging route, its hedger from {@code hedgers}.
         */
        RouteTable build(Function<Pool, Route.PoolPolicies> perPool, BiFunction<Pool, HedgingConfig, Hedger> hedgers) {
            Map<Pool, Route.PoolPolicies> byPool = new IdentityHashMap<>();
            Map<String, Route[]> byHost = new LinkedHashMap<>();
            for (Map.Entry<String, List<Spec>> e : specs.entrySet()) {
                Route[] routes = new Route[e.getValue().size()];
                for (int i = 0; i < routes.length; i++) {
                    Spec spec = e.getValue().get(i);
                    HedgingConfig hedging = spec.options().hedging();
                    routes[i] = new Route(e.getKey(), spec.prefix(), spec.pool(),
                            byPool.computeIfAbsent(spec.pool(), perPool), spec.options(),
                            hedging == null ? null : hedgers.apply(spec.pool(), hedging));
                }
                byHost.put(e.getKey(), routes);
            }
            return new RouteTable(byHost);
        }

        /**
         * The prefix in the form requests are matched in ({@link HttpUrl#encodedPath()}): {@code /café} is
         * {@code /caf%C3%A9}, an already encoded prefix stays as it is.
         */
        private static String encodedPrefix(String pathPrefix) {
            for (String segment : pathPrefix.split("[/\\\\]", -1)) {
                if (segment.equals(".") || segment.equals("..") || segment.equalsIgnoreCase("%2e")
                        || segment.equalsIgnoreCase("%2e%2e") || segment.equalsIgnoreCase(".%2e")
                        || segment.equalsIgnoreCase("%2e.")) {
                    throw new IllegalArgumentException("pathPrefix must not contain '.' or '..' segments, was "
                            + Checks.quote(pathPrefix));
                }
            }
            try {
                return new HttpUrl.Builder().scheme("http").host("h").encodedPath(pathPrefix).build().encodedPath();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pathPrefix is not a valid URL path, was " + Checks.quote(pathPrefix)
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
