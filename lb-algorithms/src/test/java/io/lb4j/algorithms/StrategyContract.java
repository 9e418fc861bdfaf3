package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.PickContext;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Picker-level behaviour every {@link Strategy} must have. Each strategy's test suite has an
 * {@code XxxContractTest extends StrategyContract}; strategies that use a hash key are exercised with
 * {@code PickContext.ofKey("k" + i)} as well as {@link PickContext#none()}.
 *
 * <p>{@link #newStrategy()} must return a deterministic strategy (seeded random, manual ticker): two
 * instances built by it must make the same picks for the same inputs.
 */
public abstract class StrategyContract {

    /** A fresh, deterministic strategy (seeded random, manual ticker). */
    protected abstract Strategy newStrategy();

    /**
     * Whether the strategy balances by weight. Weight-blind strategies (LVS {@code lc}, round robin) must
     * split evenly instead.
     */
    protected boolean weighted() {
        return true;
    }

    /**
     * Whether a republish with the same list leaves the pick sequence unchanged (the strategy keeps its
     * rotation, table or random stream across pickers). True for every lb4j strategy.
     */
    protected boolean republishKeepsSequence() {
        return true;
    }

    /** The tolerance on the heavier endpoint's share in {@link #picksFollowWeightsOrSplitEvenly()}. */
    protected double shareTolerance() {
        return 0.05;
    }

    /** The context of the i-th pick in the weight test. */
    protected PickContext weightTestContext(int i) {
        return PickContext.none();
    }

    private static PickContext keyed(int i) {
        return PickContext.ofKey("k" + i);
    }

    @Test
    void nameIsNotBlank() {
        assertThat(newStrategy().name()).isNotBlank();
    }

    @Test
    void newPickerRejectsNullListNamingTheArgument() {
        Strategy strategy = newStrategy();
        assertThatThrownBy(() -> strategy.newPicker(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints");
    }

    @Test
    void newPickerRejectsEmptyListNamingTheArgument() {
        Strategy strategy = newStrategy();
        assertThatThrownBy(() -> strategy.newPicker(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints")
                .hasMessageContaining("empty");
    }

    @Test
    void newPickerRejectsNullElementNamingItsIndex() {
        Strategy strategy = newStrategy();
        List<Endpoint> list = new ArrayList<>(FakeEndpoint.weighted(1, 1));
        list.add(null);
        assertThatThrownBy(() -> strategy.newPicker(list))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints[2]");
    }

    @Test
    void singleEndpointIsAlwaysPicked() {
        List<Endpoint> one = FakeEndpoint.weighted(3);
        Picker picker = newStrategy().newPicker(one);
        for (int i = 0; i < 100; i++) {
            assertThat(picker.pick(PickContext.none())).isSameAs(one.get(0));
            assertThat(picker.pick(keyed(i))).isSameAs(one.get(0));
        }
    }

    @Test
    void everyPickWithoutKeyIsOneOfTheEndpoints() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(1, 2, 3, 4, 5);
        ((FakeEndpoint) endpoints.get(2)).inFlight(7);
        Picker picker = newStrategy().newPicker(endpoints);
        for (int i = 0; i < 1000; i++) {
            assertThat(picker.pick(PickContext.none())).isNotNull().isIn(endpoints);
        }
    }

    @Test
    void everyPickWithKeyIsOneOfTheEndpoints() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(1, 2, 3, 4, 5);
        ((FakeEndpoint) endpoints.get(2)).inFlight(7);
        Picker picker = newStrategy().newPicker(endpoints);
        for (int i = 0; i < 1000; i++) {
            assertThat(picker.pick(keyed(i))).isNotNull().isIn(endpoints);
        }
    }

    @Test
    void everyEndpointIsPickedSometimes() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(1, 1, 1, 1);
        Picker picker = newStrategy().newPicker(endpoints);
        Set<Endpoint> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 1000; i++) {
            seen.add(picker.pick(i % 2 == 0 ? PickContext.none() : keyed(i)));
        }
        assertThat(seen).hasSize(4);
    }

    /**
     * Weights 3:1, every pick held open (its endpoint's in-flight count grows, as requests that have not
     * completed yet), 4000 picks: a weight-aware strategy gives the heavier endpoint 75% +- tolerance
     * (default 5 points, over 7 standard deviations of a 4000-pick binomial), a weight-blind one 50%.
     */
    @Test
    void picksFollowWeightsOrSplitEvenly() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(3, 1);
        Picker picker = newStrategy().newPicker(endpoints);
        int picks = 4000;
        int heavy = 0;
        for (int i = 0; i < picks; i++) {
            FakeEndpoint e = (FakeEndpoint) picker.pick(weightTestContext(i));
            e.inFlight(e.inFlight() + 1);
            if (e == endpoints.get(0)) {
                heavy++;
            }
        }
        double expected = weighted() ? 0.75 : 0.5;
        assertThat((double) heavy / picks).isCloseTo(expected, within(shareTolerance()));
    }

    /**
     * Two threads pick continuously while the test thread publishes 500 pickers over changing lists; every
     * pick must return a member of the picker it was called on, without exception.
     */
    @Test
    void concurrentPicksDuringRepublishReturnMembersOfTheirPicker() throws Exception {
        Strategy strategy = newStrategy();
        List<Endpoint> all = FakeEndpoint.weighted(1, 2, 3, 4, 5, 6, 7, 8);
        ((FakeEndpoint) all.get(1)).inFlight(3);
        ((FakeEndpoint) all.get(4)).inFlight(1);
        AtomicReference<Published> current = new AtomicReference<>(new Published(all, strategy.newPicker(all)));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(2);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread thread = new Thread(() -> {
                started.countDown();
                int i = 0;
                try {
                    while (!done.get() || i < 10_000) {
                        Published p = current.get();
                        Endpoint e = p.picker.pick(i % 2 == 0 ? PickContext.none() : keyed(i));
                        if (e == null || !p.members.contains(e)) {
                            throw new AssertionError("pick " + i + " returned " + e + ", not a member of " + p.members);
                        }
                        i++;
                    }
                } catch (Throwable ex) {
                    failure.compareAndSet(null, ex);
                }
            }, "contract-picker-" + t);
            threads.add(thread);
            thread.start();
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        for (int round = 0; round < 500 && failure.get() == null; round++) {
            int from = round % 4;
            int to = from + 1 + round % (all.size() - from);
            List<Endpoint> subset = List.copyOf(all.subList(from, to));
            current.set(new Published(subset, strategy.newPicker(subset)));
        }
        done.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(thread.isAlive()).as("picker thread finished").isFalse();
        }
        assertThat(failure.get()).isNull();
    }

    /**
     * Three picks, a republish with the same list, five more picks: the same eight endpoints as eight picks
     * from one picker of an identical strategy (a republish must not reset a rotation).
     */
    @Test
    void republishWithSameListDoesNotResetTheSequence() {
        List<Endpoint> endpoints = FakeEndpoint.weighted(2, 1, 1, 3);
        Strategy republished = newStrategy();
        Strategy reference = newStrategy();
        List<Endpoint> withRepublish = new ArrayList<>();
        Picker picker = republished.newPicker(endpoints);
        for (int i = 0; i < 3; i++) {
            withRepublish.add(picker.pick(PickContext.none()));
        }
        picker = republished.newPicker(endpoints);
        for (int i = 0; i < 5; i++) {
            withRepublish.add(picker.pick(PickContext.none()));
        }
        List<Endpoint> straight = new ArrayList<>();
        Picker one = reference.newPicker(endpoints);
        for (int i = 0; i < 8; i++) {
            straight.add(one.pick(PickContext.none()));
        }
        if (republishKeepsSequence()) {
            assertThat(withRepublish).containsExactlyElementsOf(straight);
        } else {
            assertThat(withRepublish).hasSize(8).allMatch(endpoints::contains);
        }
    }

    private static final class Published {
        final Picker picker;
        final Set<Endpoint> members;

        Published(List<Endpoint> members, Picker picker) {
            this.picker = picker;
            this.members = Collections.newSetFromMap(new IdentityHashMap<>());
            this.members.addAll(members);
        }
    }
}
