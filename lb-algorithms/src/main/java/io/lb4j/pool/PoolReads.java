package io.lb4j.pool;

import io.lb4j.api.Endpoint;
import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthState;
import io.lb4j.api.Server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The pool's read-only views for operators and metrics: its servers, one server's state and counters, the
 * eligible set and panic. Each view first applies a time-driven transition that is due (an ejection ending),
 * so that what it shows is what the next pick would see; none of them is on the request path.
 *
 * <p>Thread-safe: member reads take the pool's update lock; the eligible set comes from the published snapshot.
 */
final class PoolReads {
    private final LoadBalancingPool pool;

    PoolReads(LoadBalancingPool pool) {
        this.pool = pool;
    }

    List<Server> servers() {
        List<Server> list = new ArrayList<>();
        for (Member m : pool.memberList()) {
            list.add(m.server);
        }
        return Collections.unmodifiableList(list);
    }

    Optional<Server> server(String serverId) {
        Checks.notNull("serverId", serverId);
        pool.lock().lock();
        try {
            Member m = pool.members().get(serverId);
            return m == null ? Optional.empty() : Optional.of(m.server);
        } finally {
            pool.lock().unlock();
        }
    }

    HealthState state(String serverId) {
        return read(serverId, m -> m.state);
    }

    EndpointStats stats(String serverId) {
        return read(serverId, Member::stats);
    }

    /** Reads one member, after applying any time-driven transition that is due. */
    private <T> T read(String serverId, Function<Member, T> f) {
        Checks.notNull("serverId", serverId);
        pool.changes().refreshIfDue();
        pool.lock().lock();
        try {
            return f.apply(pool.member(serverId));
        } finally {
            pool.lock().unlock();
        }
    }

    List<EndpointStats> stats() {
        pool.changes().refreshIfDue();
        List<EndpointStats> list = new ArrayList<>();
        for (Member m : pool.memberList()) {
            list.add(m.stats());
        }
        return Collections.unmodifiableList(list);
    }

    List<Endpoint> eligible() {
        pool.changes().refreshIfDue();
        return Collections.unmodifiableList(new ArrayList<Endpoint>(List.of(pool.snapshot().eligible)));
    }

    boolean panicking() {
        pool.changes().refreshIfDue();
        return pool.snapshot().panic;
    }
}
