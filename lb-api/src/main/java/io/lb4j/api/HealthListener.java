package io.lb4j.api;

/**
 * Receives a pool's {@link HealthEvent}s. Called synchronously on the thread that caused the
 * transition, after the new picker is published; keep it short. A listener that throws is logged
 * and does not break the pool or other listeners.
 */
@FunctionalInterface
public interface HealthListener {
    /** One event; called after the pool published the change. */
    void onEvent(HealthEvent event);
}
