package io.lb4j.pool;

import io.lb4j.api.HealthEvent;
import io.lb4j.api.HealthListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A pool's health listeners. Events are delivered after the change is published, on the thread that
 * caused it, outside the pool's lock; a listener that throws anything but a fatal
 * {@link VirtualMachineError} is logged and skipped, and the other listeners and the pool carry on.
 *
 * <p>Thread-safe (copy-on-write).
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancingPool.class);

    private final String pool;
    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();

    Listeners(String pool) {
        this.pool = pool;
    }

    void add(HealthListener l) {
        listeners.add(l);
    }

    void remove(HealthListener l) {
        listeners.remove(l);
    }

    void fire(List<HealthEvent> events) {
        for (HealthEvent e : events) {
            for (HealthListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (Throwable t) {
                    if (Failures.isFatal(t)) {
                        throw t;
                    }
                    log.warn("pool '{}': health listener {} threw on {}", pool, l, e, t);
                }
            }
        }
    }
}
