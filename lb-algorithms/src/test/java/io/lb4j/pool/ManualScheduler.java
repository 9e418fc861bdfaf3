package io.lb4j.pool;

import io.lb4j.api.ManualTicker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} driven by hand on a {@link ManualTicker}, for deterministic tests of code
 * that schedules: nothing runs until {@link #runDue()}, which runs every task due by the ticker's reading on
 * the calling thread, earliest first (a task submitted meanwhile runs too if it is due). Cancelling a running
 * task with {@code mayInterruptIfRunning} interrupts the thread running it, as the JDK's executors do.
 *
 * <p>Thread-safe, but meant to be driven by one test thread.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ManualTicker ticker;
    private final List<Task<?>> queue = new ArrayList<>(); // guarded by this
    private long sequence; // guarded by this
    private volatile boolean shutdown;

    ManualScheduler(ManualTicker ticker) {
        this.ticker = ticker;
    }

    /** One scheduled task: one-shot, or repeated with a fixed delay after each run. */
    final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private final long period;
        private volatile long due;
        private long order;

        Task(Callable<V> callable, long due, long period) {
            super(callable);
            this.due = due;
            this.period = period;
        }

        /** The delay this task was scheduled with after each run, or 0 for a one-shot task. */
        long period() {
            return period;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - ticker.read(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public void run() {
            if (period == 0) {
                super.run();
            } else if (runAndReset()) {
                due = ticker.read() + period;
                enqueue(this);
            }
        }
    }

    private <V> Task<V> enqueue(Task<V> task) {
        synchronized (this) {
            if (shutdown) {
                throw new RejectedExecutionException("shut down");
            }
            task.order = sequence++;
            queue.add(task);
        }
        return task;
    }

    private Task<Void> task(Runnable r, long delayNanos, long period) {
        return enqueue(new Task<>(Executors.callable(r, null), ticker.read() + delayNanos, period));
    }

    /** Runs every task due now, earliest first, on this thread; returns how many ran. */
    int runDue() {
        int ran = 0;
        while (true) {
            Task<?> next;
            synchronized (this) {
                queue.removeIf(Future::isCancelled);
                long now = ticker.read();
                next = queue.stream().filter(t -> t.due - now <= 0)
                        .min(Comparator.<Task<?>>comparingLong(t -> t.due - now).thenComparingLong(t -> t.order))
                        .orElse(null);
                if (next == null) {
                    return ran;
                }
                queue.remove(next);
            }
            next.run();
            ran++;
        }
    }

    /** The tasks waiting, cancelled ones left out, earliest first. */
    synchronized List<Task<?>> waiting() {
        List<Task<?>> list = new ArrayList<>();
        for (Task<?> t : queue) {
            if (!t.isCancelled()) {
                list.add(t);
            }
        }
        list.sort(Comparator.<Task<?>>comparingLong(t -> t.getDelay(TimeUnit.NANOSECONDS)).thenComparingLong(t -> t.order));
        return list;
    }

    @Override
    public void execute(Runnable command) {
        task(command, 0, 0);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return task(task, 0, 0);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return task(command, unit.toNanos(delay), 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, ticker.read() + unit.toNanos(delay), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be > 0");
        }
        return task(command, unit.toNanos(initialDelay), unit.toNanos(delay));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the code under test");
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        synchronized (this) {
            List<Runnable> left = new ArrayList<>(queue);
            queue.clear();
            return left;
        }
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }
}
