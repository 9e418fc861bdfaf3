package io.lb4j.metrics;

import io.lb4j.api.Endpoint;
import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthListener;
import io.lb4j.api.HealthState;
import io.lb4j.api.NoAvailableServerException;
import io.lb4j.api.Outcome;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.OutcomeObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one pool (see {@link MicrometerPoolMetrics} for the list): the observer of its leases and
 * a listener of its health events.
 *
 * <p>Thread-safety: {@link #onOutcome} reads a concurrent map and records into thread-safe meters; meters are
 * registered and removed under this object's monitor.
 */
final class PoolMeters implements OutcomeObserver, HealthListener {
    static final String REQUESTS = "lb4j.requests";
    static final String ACTIVE = "lb4j.requests.active";
    static final String STATE = "lb4j.server.state";
    static final String EJECTIONS = "lb4j.ejections";
    static final String RESTORATIONS = "lb4j.restorations";
    static final String UNAVAILABLE = "lb4j.picks.unavailable";

    private static final HealthState[] STATES = HealthState.values();
    private static final NoAvailableServerException.Reason[] REASONS = NoAvailableServerException.Reason.values();

    private final LoadBalancingPool pool;
    private final MeterRegistry registry;
    private final boolean percentileHistogram;
    private final double[] percentiles;
    private final Map<String, ServerMeters> servers = new ConcurrentHashMap<>();
    private final Counter[] unavailable = new Counter[REASONS.length];
    private boolean closed; // guarded by this

    private PoolMeters(LoadBalancingPool pool, MeterRegistry registry, boolean percentileHistogram, double[] percentiles) {
        this.pool = pool;
        this.registry = registry;
        this.percentileHistogram = percentileHistogram;
        this.percentiles = percentiles;
    }

    static PoolMeters bind(LoadBalancingPool pool, MeterRegistry registry, boolean histogram, double[] percentiles) {
        PoolMeters meters = new PoolMeters(pool, registry, histogram, percentiles);
        for (NoAvailableServerException.Reason r : REASONS) {
            if (r != NoAvailableServerException.Reason.ALL_EXCLUDED) { // the caller's exclusions, not the pool's state
                meters.unavailable[r.ordinal()] = Counter.builder(UNAVAILABLE)
                        .description("Picks that found no available server")
                        .tags("pool", pool.name(), "reason", tag(r))
                        .register(registry);
            }
        }
        pool.addListener(meters);
        for (Server s : pool.servers()) {
            meters.register(s.id());
        }
        return meters;
    }

    @Override
    public void onOutcome(Endpoint endpoint, Outcome outcome, long latencyNanos) {
        String id = endpoint.server().id();
        ServerMeters m = servers.get(id);
        if (m == null && (m = registerIfMember(id)) == null) {
            return; // a late outcome of a server that left the pool
        }
        Timer t = outcome == Outcome.SUCCESS ? m.success : outcome == Outcome.FAILURE ? m.failure : m.drop;
        t.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onNoServer(NoAvailableServerException.Reason reason) {
        Counter c = unavailable[reason.ordinal()];
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void onEvent(HealthEvent event) {
        String id = event.server().id();
        switch (event.kind()) {
            case ADDED:
                register(id);
                break;
            case REMOVED:
                unregister(id);
                break;
            case STATE_CHANGED:
                ServerMeters m = servers.get(id);
                if (m == null) {
                    break;
                }
                if (event.current() == HealthState.EJECTED && event.previous() != HealthState.EJECTED) {
                    m.ejections.increment();
                } else if (event.previous() == HealthState.EJECTED && event.current() == HealthState.UP) {
                    m.restorations.increment();
                }
                break;
            default:
                break;
        }
    }

    @Override
    public synchronized void onClose() {
        closed = true;
        pool.removeListener(this);
        for (String id : new ArrayList<>(servers.keySet())) {
            unregister(id);
        }
        for (Counter c : unavailable) {
            if (c != null) {
                registry.remove(c);
            }
        }
    }

    private synchronized ServerMeters registerIfMember(String id) {
        return pool.server(id).isPresent() ? register(id) : null;
    }

    private synchronized ServerMeters register(String id) {
        ServerMeters m = servers.get(id);
        if (m == null && !closed) {
            m = new ServerMeters(id);
            servers.put(id, m);
        }
        return m;
    }

    private synchronized void unregister(String id) {
        ServerMeters m = servers.remove(id);
        if (m != null) {
            for (Meter meter : m.all) {
                registry.remove(meter);
            }
        }
    }

    private static String tag(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** One server's meters. Gauges read the pool when scraped. */
    private final class ServerMeters {
        final String id;
        final Timer success;
        final Timer failure;
        final Timer drop;
        final Counter ejections;
        final Counter restorations;
        final List<Meter> all = new ArrayList<>();

        ServerMeters(String id) {
            this.id = id;
            Tags tags = Tags.of("pool", pool.name(), "server", id);
            success = timer(tags, "success");
            failure = timer(tags, "failure");
            drop = timer(tags, "drop");
            ejections = add(Counter.builder(EJECTIONS).description("Transitions of the server into EJECTED")
                    .tags(tags).register(registry));
            restorations = add(Counter.builder(RESTORATIONS)
                    .description("Transitions of the server from EJECTED back to UP").tags(tags).register(registry));
            add(Gauge.builder(ACTIVE, this, ServerMeters::inFlight).description("Requests in flight on the server")
                    .tags(tags).register(registry));
            for (HealthState s : STATES) {
                add(Gauge.builder(STATE, this, m -> m.is(s))
                        .description("1 when the server is in this health state, else 0")
                        .tags(tags).tag("state", tag(s)).register(registry));
            }
        }

        private Timer timer(Tags tags, String outcome) {
            Timer.Builder b = Timer.builder(REQUESTS).description("Completed requests on the server, by outcome")
                    .tags(tags).tag("outcome", outcome).publishPercentileHistogram(percentileHistogram);
            if (percentiles.length > 0) {
                b.publishPercentiles(percentiles);
            }
            return add(b.register(registry));
        }

        private <M extends Meter> M add(M meter) {
            all.add(meter);
            return meter;
        }

        double inFlight() {
            try {
                return pool.stats(id).inFlight();
            } catch (IllegalArgumentException left) {
                return Double.NaN;
            }
        }

        double is(HealthState s) {
            try {
                return pool.state(id) == s ? 1 : 0;
            } catch (IllegalArgumentException left) {
                return Double.NaN;
            }
        }
    }
}
