package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The membership changes of a {@link LoadBalancingPool}: add, drop, re-weight, mark up, and the
 * whole-list {@code update}. Each returns the {@link Change} the pool then publishes in one rebuild.
 *
 * <p>Not thread-safe: every method runs under the pool's update lock.
 */
final class Membership {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancingPool.class);

    private Membership() {
    }

    /**
     * What an operation changed: the member whose state event carries {@code reason} (or null), and events
     * of its own (added, removed, re-weighted).
     */
    record Change(Member member, String reason, List<HealthEvent> events) {
        Change {
            events = events == null ? List.of() : events;
            reason = reason == null ? "" : reason;
        }
    }

    static Change add(LoadBalancingPool pool, Server server, boolean down) {
        Map<String, Member> members = pool.members();
        if (members.containsKey(server.id())) {
            throw new IllegalArgumentException("pool '" + pool.poolName() + "' already has a server with id '"
                    + server.id() + "'");
        }
        long now = pool.now();
        Member m = join(pool, server, down, now);
        log.info("pool '{}': added {}{}", pool.poolName(), server, down ? " (down)" : "");
        return new Change(null, null, List.of(event(pool, m, HealthEvent.Kind.ADDED, "added", now)));
    }

    private static Member join(LoadBalancingPool pool, Server server, boolean down, long now) {
        Member m = pool.newMember(server);
        m.adminDown = down;
        m.state = down ? HealthState.DOWN : HealthState.UP;
        if (!down) { // a server added down ramps when it is marked up
            pool.publisher().startRamp(m, now);
        }
        pool.members().put(m.id(), m);
        return m;
    }

    static Change drop(LoadBalancingPool pool, Member m) {
        pool.members().remove(m.id());
        m.removed = true;
        log.info("pool '{}': removed {}", pool.poolName(), m.server);
        return new Change(null, null, List.of(event(pool, m, HealthEvent.Kind.REMOVED, "removed", pool.now())));
    }

    static Change setWeight(LoadBalancingPool pool, Member m, int weight) {
        int old = m.server.weight();
        if (old == weight) {
            return null;
        }
        m.server = m.server.withWeight(weight);
        String reason = "weight " + old + " -> " + weight + (weight == 0 ? " (quiesced)" : "");
        return new Change(m, reason, List.of(event(pool, m, HealthEvent.Kind.WEIGHT_CHANGED, reason, pool.now())));
    }

    static Change markDown(Member m) {
        if (m.adminDown) {
            return null;
        }
        m.adminDown = true;
        return new Change(m, "marked down", null);
    }

    static Change drain(Member m) {
        if (m.draining) {
            return null;
        }
        m.draining = true;
        m.drained = new CompletableFuture<>();
        return new Change(m, "draining", null);
    }

    /** The future of a drain just started on {@code m}: done at once when nothing is in flight. */
    static CompletableFuture<Void> drained(Member m) {
        CompletableFuture<Void> f = m.drained;
        if (f == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (m.inFlight() == 0) {
            f.complete(null);
        }
        return f;
    }

    static Change markUp(LoadBalancingPool pool, Member m) {
        if (m.leaving) {
            throw new IllegalArgumentException("pool '" + pool.poolName() + "': server '" + m.id()
                    + "' is leaving (removed by update) and cannot be marked up; list it again instead");
        }
        if (!m.adminDown && !m.draining) {
            return null;
        }
        m.adminDown = false;
        m.draining = false;
        CompletableFuture<Void> f = m.drained;
        m.drained = null;
        if (f != null && !f.isDone()) {
            f.cancel(false);
        }
        pool.publisher().startRamp(m, pool.now());
        return new Change(m, "marked up", null);
    }

    /** Validates a whole list: not null, no null element, distinct ids. O(n). */
    static Map<String, Server> index(Collection<Server> servers) {
        if (servers == null) {
            throw new IllegalArgumentException("servers must not be null (an empty list empties the pool)");
        }
        Map<String, Server> byId = new LinkedHashMap<>(Math.max(16, servers.size() * 2));
        int i = 0;
        for (Server s : servers) {
            if (s == null) {
                throw new IllegalArgumentException("servers[" + i + "] must not be null");
            }
            if (byId.putIfAbsent(s.id(), s) != null) {
                throw new IllegalArgumentException("servers must have distinct ids; '" + s.id() + "' appears twice");
            }
            i++;
        }
        return byId;
    }

    /** Applies a whole list; see {@link LoadBalancingPool#update}. */
    static Change update(LoadBalancingPool pool, Map<String, Server> wanted) {
        Map<String, Member> members = pool.members();
        long now = pool.now();
        List<HealthEvent> events = new ArrayList<>();
        int added = 0;
        int changed = 0;
        int leaving = 0;
        for (Server s : wanted.values()) {
            Member m = members.get(s.id());
            if (m == null) {
                Member joined = join(pool, s, false, now);
                events.add(event(pool, joined, HealthEvent.Kind.ADDED, "added by update", now));
                added++;
                continue;
            }
            if (m.leaving) { // came back before it was drained
                m.leaving = false;
                if (m.drainedByUpdate) { // an operator's own drain stays in force
                    m.drainedByUpdate = false;
                    m.draining = false;
                    CompletableFuture<Void> f = m.drained;
                    m.drained = null;
                    if (f != null && !f.isDone()) {
                        f.cancel(false);
                    }
                    pool.publisher().startRamp(m, now);
                }
                changed++;
            }
            if (!sameSettings(m.server, s)) {
                int old = m.server.weight();
                m.server = s;
                if (old != s.weight()) {
                    events.add(event(pool, m, HealthEvent.Kind.WEIGHT_CHANGED, "weight " + old + " -> " + s.weight()
                            + (s.weight() == 0 ? " (quiesced)" : ""), now));
                }
                changed++;
            }
        }
        for (Iterator<Member> it = members.values().iterator(); it.hasNext(); ) {
            Member m = it.next();
            if (wanted.containsKey(m.id()) || m.leaving) {
                continue;
            }
            m.leaving = true;
            if (!m.draining) {
                m.drainedByUpdate = true;
                m.drained = new CompletableFuture<>();
                m.draining = true; // before reading in-flight: a lease completing now sees it and drops the member
            }
            if (m.inFlight() == 0) {
                it.remove();
                m.removed = true;
                events.add(event(pool, m, HealthEvent.Kind.REMOVED, "removed by update", now));
            }
            leaving++;
        }
        if (added == 0 && changed == 0 && leaving == 0) {
            return null;
        }
        log.info("pool '{}': update of {} servers: {} added, {} changed, {} leaving", pool.poolName(), wanted.size(),
                added, changed, leaving);
        return new Change(null, "left the pool (update), draining", events);
    }

    private static boolean sameSettings(Server a, Server b) {
        return a.host().equals(b.host()) && a.port() == b.port() && a.weight() == b.weight()
                && a.backup() == b.backup() && a.zone().equals(b.zone()) && a.metadata().equals(b.metadata())
                && a.maxFails().equals(b.maxFails()) && a.failTimeout().equals(b.failTimeout())
                && Objects.equals(a.slowStart(), b.slowStart());
    }

    private static HealthEvent event(LoadBalancingPool pool, Member m, HealthEvent.Kind kind, String reason, long now) {
        return new HealthEvent(pool.poolName(), m.server, kind, m.state, m.state, reason, now);
    }

    /** At most 20 ids, for messages about a pool that may hold thousands. */
    static String someIds(Set<String> ids) {
        if (ids.size() <= 20) {
            return ids.toString();
        }
        List<String> first = new ArrayList<>(20);
        for (String id : ids) {
            if (first.size() == 20) {
                break;
            }
            first.add(id);
        }
        return first + " and " + (ids.size() - 20) + " more";
    }
}
