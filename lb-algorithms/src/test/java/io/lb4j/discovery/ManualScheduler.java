package io.lb4j.discovery;

import io.lb4j.api.ManualTicker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} driven by a {@link ManualTicker}: tasks run on the test's thread when
 * {@link #advance(Duration)} or {@link #runDue()} reaches their time, in time order (ties in submission order).
 * Never sleeps.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    final ManualTicker ticker;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long seq;
    private boolean shutdown;
    private int ran;

    ManualScheduler(ManualTicker ticker) {
        this.ticker = ticker;
    }

    /**
     * Moves time forward to now + d, running each task at its own due time (the clock stops there while it
     * runs, so tasks it schedules are timed from then, as on a real scheduler).
     */
    ManualScheduler advance(Duration d) {
        long target = ticker.read() + d.toNanos();
        while (true) {
            Task<?> t;
            synchronized (this) {
                t = queue.peek();
            }
            if (t == null || t.due > target) {
                break;
            }
            if (t.due > ticker.read()) {
                ticker.advance(Duration.ofNanos(t.due - ticker.read()));
            }
            runDue();
        }
        ticker.advance(Duration.ofNanos(target - ticker.read()));
        runDue();
        return this;
    }

    /** Runs every task due now, including ones those tasks schedule for now. */
    int runDue() {
        int n = 0;
        while (true) {
            Task<?> t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.due > ticker.read()) {
                    return n;
                }
                queue.poll();
            }
            t.runOnce();
            n++;
            ran++;
        }
    }

    synchronized int queued() {
        return queue.size();
    }

    synchronized int ran() {
        return ran;
    }

    /** The delay until the next queued task, or null if none. */
    synchronized Duration nextDelay() {
        Task<?> t = queue.peek();
        return t == null ? null : Duration.ofNanos(t.due - ticker.read());
    }

    private synchronized <V> Task<V> enqueue(Task<V> t) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        queue.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<>(java.util.concurrent.Executors.callable(command, null), unit.toNanos(delay), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, unit.toNanos(delay), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return enqueue(new Task<>(java.util.concurrent.Executors.callable(command, null), unit.toNanos(initialDelay), unit.toNanos(period)));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return scheduleAtFixedRate(command, initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long period;
        final long order;
        long due;

        Task(Callable<V> c, long delayNanos, long period) {
            super(c);
            this.due = ticker.read() + delayNanos;
            this.period = period;
            synchronized (ManualScheduler.this) {
                this.order = seq++;
            }
        }

        void runOnce() {
            if (period == 0) {
                run();
            } else if (runAndReset()) {
                synchronized (ManualScheduler.this) {
                    due += period;
                    if (!shutdown) {
                        queue.add(this);
                    }
                }
            } else if (!isCancelled()) {
                try {
                    get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new AssertionError("periodic task failed", e);
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            synchronized (ManualScheduler.this) {
                queue.remove(this);
            }
            return super.cancel(mayInterrupt);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - ticker.read(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Task<?> t = (Task<?>) o;
            int c = Long.compare(due, t.due);
            return c != 0 ? c : Long.compare(order, t.order);
        }
    }
}
