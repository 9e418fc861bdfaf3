package io.lb4j.discovery;

import io.lb4j.api.Server;
import io.lb4j.api.ServerSource;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AbstractServerSourceTest {

    static final class Recorder implements ServerSource.Subscriber {
        final List<List<Server>> lists = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        List<Server> last() {
            return lists.isEmpty() ? null : lists.get(lists.size() - 1);
        }

        /** Waits (bounded, for a real external event such as a file system notification) until the condition holds. */
        void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after 20 s waiting for " + what + "; lists " + lists + ", failures " + failures);
                }
                Thread.sleep(10);
            }
        }

        @Override
        public void onServers(List<Server> servers) {
            lists.add(servers);
        }

        @Override
        public void onFailure(Throwable error) {
            failures.add(error);
        }
    }

    @Test
    void aLateSubscriberGetsTheCurrentList() {
        TestSource source = new TestSource();
        source.push(List.of(Server.of("h", 1)));
        Recorder r = new Recorder();

        source.subscribe(r);

        assertThat(r.lists).containsExactly(List.of(Server.of("h", 1)));
    }

    @Test
    void aThrowingSubscriberDoesNotStopTheOthers() {
        TestSource source = new TestSource();
        source.subscribe(new ServerSource.Subscriber() {
            @Override
            public void onServers(List<Server> servers) {
                throw new IllegalStateException("bug");
            }

            @Override
            public void onFailure(Throwable error) {
                throw new IllegalStateException("bug");
            }
        });
        Recorder r = new Recorder();
        source.subscribe(r);

        source.push(List.of(Server.of("h", 1)));
        source.fail(new RuntimeException("x"));

        assertThat(r.lists).hasSize(1);
        assertThat(r.failures).hasSize(1);
    }

    @Test
    void duplicateIdsAreRejectedNamingTheId() {
        TestSource source = new TestSource();
        assertThatThrownBy(() -> source.push(List.of(Server.of("h", 1), Server.of("h", 1))))
                .hasMessage("source test-source produced two servers with id 'h:1'");
    }

    @Test
    void nothingIsDeliveredAfterUnsubscribingOrClosing() {
        TestSource source = new TestSource();
        Recorder r = new Recorder();
        ServerSource.Subscription sub = source.subscribe(r);
        sub.close();
        source.push(List.of(Server.of("h", 1)));
        assertThat(r.lists).isEmpty();

        source.subscribe(r);
        source.close();
        source.close();
        source.push(List.of(Server.of("h", 2)));
        assertThat(r.lists).hasSize(1);
        assertThat(source.closedDown).isTrue();
        assertThatThrownBy(() -> source.subscribe(new Recorder())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
