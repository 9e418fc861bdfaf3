package io.lb4j.discovery;

import io.lb4j.api.Server;

import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One DNS look-up of a {@link DnsServerSource} through the JNDI DNS provider: A and AAAA records of a name
 * on one port, or SRV records with their targets' addresses. See {@link DnsServerSource} for the mapping.
 *
 * <p>Immutable; each call opens and closes its own JNDI context, so concurrent calls are safe.
 */
final class DnsQuery {
    /** Sorted, so that a DNS server rotating its answers (round-robin DNS) is not a change. */
    private static final Comparator<Server> BY_ID = Comparator.comparing(Server::id);

    private final Hashtable<String, String> env;
    private final String query;
    private final boolean srv;
    private final int port;

    DnsQuery(Hashtable<String, String> env, String query, boolean srv, int port) {
        this.env = new Hashtable<>(env);
        this.query = query;
        this.srv = srv;
        this.port = port;
    }

    /** The servers DNS gives now, sorted by id. */
    List<Server> servers() throws NamingException {
        DirContext ctx = new InitialDirContext(new Hashtable<>(env));
        try {
            if (!srv) {
                List<Server> out = new ArrayList<>();
                for (String ip : addresses(ctx, query)) {
                    out.add(Server.builder(ip, port).build());
                }
                out.sort(BY_ID);
                return out;
            }
            List<String[]> records = new ArrayList<>();
            int lowest = Integer.MAX_VALUE;
            for (String rr : values(ctx, query, "SRV")) {
                String[] f = rr.trim().split("\\s+");
                if (f.length != 4) {
                    throw new NamingException("malformed SRV record '" + rr + "' for " + query);
                }
                if (f[3].equals(".")) {
                    continue;
                }
                records.add(f);
                lowest = Math.min(lowest, Integer.parseInt(f[0]));
            }
            Map<String, Server> out = new LinkedHashMap<>();
            for (String[] f : records) {
                int weight = Math.max(1, Integer.parseInt(f[1]));
                int srvPort = Integer.parseInt(f[2]);
                String target = f[3];
                for (String ip : addresses(ctx, target)) {
                    Server s = Server.builder(ip, srvPort).weight(weight).backup(Integer.parseInt(f[0]) > lowest)
                            .metadata("dns.target", target.endsWith(".") ? target.substring(0, target.length() - 1) : target)
                            .build();
                    out.putIfAbsent(s.id(), s);
                }
            }
            List<Server> list = new ArrayList<>(out.values());
            list.sort(BY_ID);
            return list;
        } finally {
            ctx.close();
        }
    }

    private static List<String> addresses(DirContext ctx, String name) throws NamingException {
        List<String> ips = new ArrayList<>(values(ctx, name, "A"));
        ips.addAll(values(ctx, name, "AAAA"));
        return ips;
    }

    private static List<String> values(DirContext ctx, String name, String type) throws NamingException {
        Attributes attrs = ctx.getAttributes(name, new String[] {type});
        Attribute a = attrs.get(type);
        List<String> out = new ArrayList<>();
        if (a != null) {
            NamingEnumeration<?> e = a.getAll();
            while (e.hasMore()) {
                out.add(String.valueOf(e.next()));
            }
        }
        return out;
    }

}
