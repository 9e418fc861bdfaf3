package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceTest {

    @Test
    void oneThreadSeesTheExactSequenceFromTheInitialValue() {
        Sequence s = new Sequence(41);
        assertThat(s.getAndIncrement()).isEqualTo(41);
        assertThat(s.getAndIncrement()).isEqualTo(42);
        assertThat(s.get()).isEqualTo(43);
        assertThat(s.striped()).isFalse();
    }

    @Test
    void anUncontendedRotationIsTheSequenceModuloItsLength() {
        Sequence s = new Sequence(41);
        assertThat(s.nextIndex(3)).isEqualTo(2);
        assertThat(s.nextIndex(3)).isZero();
        assertThat(s.nextIndex(3)).isEqualTo(1);
    }

    @Test
    void aContendedRotationStepsByOneOnEachThread() throws Exception {
        Sequence s = contended();
        int first = s.nextIndex(100);
        for (int i = 1; i <= 150; i++) {
            assertThat(s.nextIndex(100)).isEqualTo((first + i) % 100);
        }
    }

    @Test
    void wrapsAtLongMaxValue() {
        Sequence s = new Sequence(Long.MAX_VALUE);
        assertThat(s.getAndIncrement()).isEqualTo(Long.MAX_VALUE);
        assertThat(s.getAndIncrement()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void underContentionEachThreadRotatesOnItsOwnStripe() throws Exception {
        Sequence s = contended();
        // striped now: each thread's own values are consecutive
        List<Long> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(s.getAndIncrement());
        }
        for (int i = 1; i < mine.size(); i++) {
            assertThat(mine.get(i)).isEqualTo(mine.get(i - 1) + 1);
        }
    }

    @Test
    void aContendedRoundRobinStillGivesEveryServerItsShare() throws Exception {
        List<Endpoint> servers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            servers.add(FakeEndpoint.of("s" + i, 1));
        }
        Picker picker = new RoundRobin(Randoms.seeded(3)).newPicker(servers);
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        int threads = 4;
        int perThread = 10_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        counts.computeIfAbsent(picker.pick(PickContext.none()).server().id(), k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            th.start();
            all.add(th);
        }
        for (Thread th : all) {
            th.join();
        }
        assertThat(failed.get()).isNull();
        // every thread's (or stripe's) picks are one rotation: a server is off its share by at most one per rotation
        assertThat(counts).hasSize(10);
        counts.values().forEach(c -> assertThat(c.get()).isBetween(4_000 - 17, 4_000 + 17));
    }

    /** A sequence two threads have raced for (a real race on this machine's cores, bounded to 30 s). */
    private static Sequence contended() throws Exception {
        Sequence s = new Sequence(0);
        long deadline = System.nanoTime() + 30_000_000_000L;
        Runnable hammer = () -> {
            while (!s.striped() && System.nanoTime() < deadline) {
                s.getAndIncrement();
            }
        };
        Thread other = new Thread(hammer);
        other.start();
        hammer.run();
        other.join();
        assertThat(s.striped()).as("two threads raced for the base within 30 s").isTrue();
        return s;
    }
}
