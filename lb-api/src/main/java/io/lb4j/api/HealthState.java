package io.lb4j.api;

/**
 * The health state of one server in a pool. Only {@link #UP} servers are picked (apart from the
 * pool's panic mode, which picks among every primary that is not {@link #DOWN} or {@link #DRAINING}).
 */
public enum HealthState {
    /** Eligible for new picks. */
    UP,
    /** Taken out by an operator (nginx {@code down}); never picked until marked up again. */
    DOWN,
    /** Taken out by passive or active health checking; it returns by itself when it recovers. */
    EJECTED,
    /** No new picks; requests already in flight finish normally. */
    DRAINING
}
