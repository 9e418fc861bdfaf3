package io.lb4j.okhttp;

import io.lb4j.api.Ticker;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A p-th percentile of recent latencies in fixed memory, as Finagle's {@code WindowedPercentileHistogram}
 * behind {@code BackupRequestFilter}: two log-scale histograms of {@value #BUCKETS} counters each (the
 * current window and the previous one), each bucket 12.5% wide (3 mantissa bits), from 1 µs to about
 * 38 hours; the percentile is read over both windows, so it always covers between one and two windows of
 * traffic. Recording is one atomic increment, no allocation; the percentile is recomputed at most once per
 * tenth of a window (a scan of both histograms) and otherwise read from a volatile field.
 *
 * <p>Public so that other clients (and lb4j's simulation) can hedge with the same estimator as
 * {@link LoadBalancingInterceptor}.
 *
 * <p>Thread-safety: lock-free. A window rotation races with concurrent records, which may land in the
 * window being cleared and be lost; the estimate tolerates that.
 */
public final class LatencyPercentile {
    static final int SUB_BITS = 3;
    static final int BUCKETS = 38 << SUB_BITS;
    private static final AtomicLongFieldUpdater<LatencyPercentile> NEXT_RECOMPUTE =
            AtomicLongFieldUpdater.newUpdater(LatencyPercentile.class, "nextRecompute");

    private final double percentile;
    private final long windowNanos;
    private final Ticker ticker;
    private final AtomicLongArray[] windows = {new AtomicLongArray(BUCKETS), new AtomicLongArray(BUCKETS)};
    private volatile int current;
    private volatile long windowEnd;
    private volatile long nextRecompute;
    private volatile long estimateNanos = -1;

    /**
     * @param percentile  in (0, 100)
     * @param windowNanos the window length, &gt; 0
     * @param ticker      the time source
     */
    public LatencyPercentile(double percentile, long windowNanos, Ticker ticker) {
        if (!(percentile > 0 && percentile < 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100) exclusive, was " + percentile);
        }
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("windowNanos must be > 0, was " + windowNanos);
        }
        this.percentile = percentile;
        this.windowNanos = windowNanos;
        this.ticker = Checks.notNull("ticker", ticker);
        long now = ticker.read();
        this.windowEnd = now + windowNanos;
        this.nextRecompute = now;
    }

    /** Records one latency (negative counts as 0). */
    public void record(long latencyNanos) {
        long now = ticker.read();
        rotateIfDue(now);
        windows[current].incrementAndGet(bucket(latencyNanos));
    }

    /**
     * The percentile of the recorded latencies, in nanoseconds (the upper edge of its bucket), or -1 while
     * fewer than {@code minSamples} are recorded in the two windows.
     */
    public long estimate(int minSamples) {
        long now = ticker.read();
        rotateIfDue(now);
        long due = nextRecompute;
        if (now - due >= 0 && NEXT_RECOMPUTE.compareAndSet(this, due, now + windowNanos / 10)) {
            estimateNanos = compute(minSamples);
        }
        return estimateNanos;
    }

    private void rotateIfDue(long now) {
        long end = windowEnd;
        if (now - end < 0) {
            return;
        }
        synchronized (this) {
            if (now - windowEnd < 0) {
                return;
            }
            int next = 1 - current;
            long elapsedWindows = (now - windowEnd) / windowNanos;
            AtomicLongArray fresh = windows[next];
            for (int i = 0; i < BUCKETS; i++) {
                fresh.set(i, 0);
            }
            if (elapsedWindows >= 1) { // idle for more than a window: the current one is stale too
                AtomicLongArray stale = windows[current];
                for (int i = 0; i < BUCKETS; i++) {
                    stale.set(i, 0);
                }
            }
            current = next;
            windowEnd = now + windowNanos;
            nextRecompute = now; // recompute at the next estimate
        }
    }

    private long compute(int minSamples) {
        AtomicLongArray a = windows[0];
        AtomicLongArray b = windows[1];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += a.get(i) + b.get(i);
        }
        if (total < Math.max(1, minSamples)) {
            return -1;
        }
        long rank = (long) Math.ceil(total * percentile / 100.0);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += a.get(i) + b.get(i);
            if (seen >= rank) {
                return upperEdgeNanos(i);
            }
        }
        return upperEdgeNanos(BUCKETS - 1);
    }

    /** The bucket of a latency: microseconds on a log scale, 2^SUB_BITS buckets per power of two. */
    static int bucket(long latencyNanos) {
        long micros = Math.max(1, latencyNanos / 1000);
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        int sub = exponent >= SUB_BITS ? (int) (micros >>> (exponent - SUB_BITS)) & ((1 << SUB_BITS) - 1)
                : (int) (micros << (SUB_BITS - exponent)) & ((1 << SUB_BITS) - 1);
        return Math.min(BUCKETS - 1, (exponent << SUB_BITS) + sub);
    }

    /** The largest latency (in nanoseconds) of bucket {@code i}. */
    static long upperEdgeNanos(int i) {
        int exponent = i >>> SUB_BITS;
        long sub = i & ((1 << SUB_BITS) - 1);
        double micros = Math.pow(2, exponent) * (1 + (sub + 1) / (double) (1 << SUB_BITS));
        return (long) Math.min(Long.MAX_VALUE / 2.0, micros * 1000);
    }
}
