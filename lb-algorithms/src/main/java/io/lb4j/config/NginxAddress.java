package io.lb4j.config;

import io.lb4j.api.HostNames;
import io.lb4j.api.Server;
import io.lb4j.config.NginxLexer.Token;

/**
 * The address of an nginx {@code server} directive, read as nginx 1.22's {@code ngx_parse_url} reads it
 * (no URI part): {@code [ipv6]}, {@code [ipv6]:port}, {@code host} or {@code host:port}, the port by
 * {@code ngx_atoi} from 1 to 65535 (default 80), the host a DNS name or IPv4 literal and the bracketed
 * part an IPv6 literal that both nginx's {@code ngx_inet6_addr} and {@link HostNames} accept (nginx resolves
 * names at start-up, lb4j checks their syntax). {@code unix:} sockets are not supported. Stateless and thread-safe.
 */
final class NginxAddress {
    private static final String EXPECTED = "; expected host, host:port, [ipv6] or [ipv6]:port";

    private NginxAddress() {
    }

    static Server.Builder parse(Token t) {
        String a = t.text();
        if (a.startsWith("unix:")) {
            throw at(t, "unix socket address " + NginxLexer.quote(a) + " is not supported" + EXPECTED);
        }
        String host;
        String portText = null;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0) {
                throw at(t, "IPv6 address " + NginxLexer.quote(a) + " lacks ']'" + EXPECTED);
            }
            host = a.substring(1, close);
            String rest = a.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw at(t, "invalid host: unexpected " + NginxLexer.quote(rest) + " after ']'" + EXPECTED);
                }
                portText = rest.substring(1);
            }
            if (!NginxValues.isNginxInet6Addr(host)) {
                throw at(t, "invalid IPv6 address " + NginxLexer.quote(host) + " in brackets" + EXPECTED);
            }
            if (!HostNames.isIpv6Literal(host)) {
                throw at(t, "IPv6 address " + NginxLexer.quote(host) + " in brackets is not in a form lb4j accepts"
                        + " (nginx reads it); expected " + HostNames.ALLOWED);
            }
        } else {
            if (a.indexOf('/') >= 0 || a.indexOf('?') >= 0) {
                throw at(t, "invalid host " + NginxLexer.quote(a) + ": a server address has no URI part" + EXPECTED);
            }
            int colon = a.indexOf(':');
            host = colon < 0 ? a : a.substring(0, colon);
            portText = colon < 0 ? null : a.substring(colon + 1);
            if (host.isEmpty()) {
                throw at(t, "no host in " + NginxLexer.quote(a) + EXPECTED);
            }
            if (portText != null && portText.indexOf(':') >= 0) {
                throw at(t, "invalid port in " + NginxLexer.quote(a) + "; an IPv6 address must be in brackets"
                        + EXPECTED);
            }
            if (!HostNames.isIpv4Literal(host) && !HostNames.isDnsName(host)) {
                throw at(t, "invalid host " + NginxLexer.quote(host) + "; expected " + HostNames.ALLOWED);
            }
        }
        int port = portText == null ? NginxUpstream.DEFAULT_PORT : NginxUpstreamParser.integer(t, portText, "port", 1, 65535);
        return Server.builder(host, port);
    }

    private static NginxConfigException at(Token t, String problem) {
        return new NginxConfigException(t.line(), t.column(), problem);
    }
}
