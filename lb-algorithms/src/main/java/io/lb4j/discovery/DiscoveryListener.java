package io.lb4j.discovery;

/**
 * Receives a {@link PoolBinder}'s {@link DiscoveryEvent}s, on the binder's scheduler thread (or the source's
 * thread for {@link DiscoveryEvent.Kind#SOURCE_FAILED}). Keep it short; a listener that throws is logged and
 * changes nothing.
 */
@FunctionalInterface
public interface DiscoveryListener {
    /** One binder event; must not block. */
    void onEvent(DiscoveryEvent event);
}
