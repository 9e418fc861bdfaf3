package io.lb4j.api;

/**
 * An immutable decision procedure published by a {@link Strategy} for one set of eligible endpoints,
 * as gRPC's {@code SubchannelPicker}. Tables, rings, alias arrays and schedules are built when the
 * picker is created; {@link #pick(PickContext)} only reads them and the endpoints' live counters.
 *
 * <p>Thread-safe; {@code pick} is lock-free and allocates nothing.
 */
@FunctionalInterface
public interface Picker {

    /**
     * Chooses one endpoint.
     *
     * @param context the request's pick context, never null ({@link PickContext#none()} when there is none)
     * @return one of the endpoints this picker was built with, never null
     */
    Endpoint pick(PickContext context);

    /**
     * Chooses one endpoint, given the pool's clock reading for this request: a picker that needs the time
     * (peak EWMA decays latencies to now) uses {@code nowNanos} instead of reading a clock per candidate.
     * The default ignores the time.
     *
     * @param context  the request's pick context, never null
     * @param nowNanos the pool's ticker reading, taken once per request
     * @return one of the endpoints this picker was built with, never null
     */
    default Endpoint pick(PickContext context, long nowNanos) {
        return pick(context);
    }
}
