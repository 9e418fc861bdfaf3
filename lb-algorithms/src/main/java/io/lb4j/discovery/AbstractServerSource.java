package io.lb4j.discovery;

import io.lb4j.api.Server;
import io.lb4j.api.ServerSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The subscriber bookkeeping every {@link ServerSource} needs: the latest list handed to late subscribers,
 * deliveries serialised (one lock, so each subscriber sees lists one at a time and in order), subscribers that
 * throw logged and isolated, nothing delivered after {@link #close()}. A subclass reads its source and calls
 * {@link #publish(List)} or {@link #publishFailure(Throwable)}; it releases its own resources in
 * {@link #doClose()}.
 *
 * <p>Thread-safe. Subscribers are called with the delivery lock held: they must return quickly (the
 * {@link PoolBinder} only records the list and schedules its work).
 */
public abstract class AbstractServerSource implements ServerSource {
    private static final Logger log = LoggerFactory.getLogger(AbstractServerSource.class);

    private final String name;
    private final Object deliveryLock = new Object();
    private final CopyOnWriteArrayList<Registration> subscribers = new CopyOnWriteArrayList<>();
    private List<Server> current;
    private volatile boolean closed;

    /** @param name the source's description for logs, not blank */
    protected AbstractServerSource(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was " + (name == null ? "null" : "'" + name + "'"));
        }
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Subscription subscribe(Subscriber subscriber) {
        if (subscriber == null) {
            throw new IllegalArgumentException("subscriber must not be null");
        }
        Registration r = new Registration(subscriber);
        synchronized (deliveryLock) {
            if (closed) {
                throw new IllegalStateException("server source " + name + " is closed");
            }
            subscribers.add(r);
            if (current != null) {
                r.deliver(current);
            }
        }
        return r;
    }

    /** The list last published, or null before the first one. */
    protected final List<Server> current() {
        synchronized (deliveryLock) {
            return current;
        }
    }

    /**
     * Delivers a complete list to every subscriber and keeps it for late ones.
     *
     * @throws IllegalArgumentException when the list is null, holds null or two servers with one id
     */
    protected final void publish(List<Server> servers) {
        if (servers == null) {
            throw new IllegalArgumentException("servers must not be null");
        }
        List<Server> copy = List.copyOf(servers);
        Set<String> ids = new HashSet<>();
        for (Server s : copy) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("source " + name + " produced two servers with id '" + s.id() + "'");
            }
        }
        synchronized (deliveryLock) {
            if (closed) {
                return;
            }
            current = copy;
            for (Registration r : subscribers) {
                r.deliver(copy);
            }
        }
    }

    /** Reports a failure to read the source to every subscriber. */
    protected final void publishFailure(Throwable error) {
        synchronized (deliveryLock) {
            if (closed) {
                return;
            }
            for (Registration r : subscribers) {
                r.fail(error);
            }
        }
    }

    /** Whether {@link #close()} was called. */
    protected final boolean isClosed() {
        return closed;
    }

    @Override
    public final void close() {
        synchronized (deliveryLock) {
            if (closed) {
                return;
            }
            closed = true;
            subscribers.clear();
        }
        try {
            doClose();
        } catch (RuntimeException e) {
            log.warn("server source {}: error while closing", name, e);
        }
    }

    /** Releases the subclass's threads and connections; called once. */
    protected abstract void doClose();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }

    private final class Registration implements Subscription {
        private final Subscriber subscriber;

        Registration(Subscriber subscriber) {
            this.subscriber = subscriber;
        }

        void deliver(List<Server> servers) {
            try {
                subscriber.onServers(servers);
            } catch (RuntimeException e) {
                log.warn("server source {}: subscriber {} threw on a list of {} servers", name, subscriber, servers.size(), e);
            }
        }

        void fail(Throwable error) {
            try {
                subscriber.onFailure(error);
            } catch (RuntimeException e) {
                log.warn("server source {}: subscriber {} threw on a failure", name, subscriber, e);
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
