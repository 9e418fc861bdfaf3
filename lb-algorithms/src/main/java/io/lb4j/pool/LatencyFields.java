package io.lb4j.pool;

/**
 * {@link LatencyEstimator}'s fields, written by every completed request, with a cache line of padding
 * before them ({@link CacheLinePad}) and after them ({@link LatencyPadAfter}): the estimators of two members never share
 * a line (see {@link MemberHot}).
 */
abstract class LatencyFields extends CacheLinePad {
    volatile double cost;
    volatile long stamp;
    volatile boolean sampled;
}
