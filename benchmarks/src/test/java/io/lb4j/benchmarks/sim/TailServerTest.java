package io.lb4j.benchmarks.sim;

import io.lb4j.api.Server;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.lb4j.benchmarks.sim.TailEvents.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

/** TailServer and TailServers: FIFO queueing on c workers, exact on a hand-made schedule. */
class TailServerTest {

    private static final long SEED = 42;

    private final TailSetup setup = TailSetups.oneServer(2);
    private final TailEvents events = new TailEvents(setup);
    private final TailServers servers = new TailServers(setup, events, new SplittableRandom(1),
            new SplittableRandom(SEED));
    private final TailServer server = new TailServer(0, Server.builder("127.0.0.1", 80).build(), 1);
    /** Replays the service random source: the service times the server will draw, in order. */
    private final SplittableRandom replay = new SplittableRandom(SEED);

    TailServerTest() {
        servers.add(server);
    }

    private long nextServiceNanos() {
        return Math.max(1, (long) (-10.0 * 1_000_000 * Math.log(1.0 - replay.nextDouble())));
    }

    private TailAttempt attempt() {
        return new TailAttempt(new TailRequest(events.now()), server, null, events.now());
    }

    @Test
    void accumulateIntegratesBusyWorkersOverTime() {
        server.busy = 2;
        server.accumulate(100);
        server.busy = 1;
        server.accumulate(250);
        assertThat(server.busyNanos).isEqualTo(2 * 100 + 150);
        assertThat(server.lastChange).isEqualTo(250);
    }

    @Test
    void firstCTriesStartAndTheRestQueueInOrder() {
        TailAttempt a = attempt();
        TailAttempt b = attempt();
        TailAttempt c = attempt();
        TailAttempt d = attempt();
        for (TailAttempt x : new TailAttempt[] {a, b, c, d}) {
            servers.enqueue(server, x);
        }
        assertThat(server.busy).isEqualTo(2);
        assertThat(a.inService).isTrue();
        assertThat(b.inService).isTrue();
        assertThat(server.queue).containsExactly(c, d);
    }

    @Test
    void serviceEndsAtTheDrawnExponentialTime() {
        TailAttempt a = attempt();
        servers.enqueue(server, a);
        TailEvents.Event done = events.next();
        assertThat(done.kind()).isEqualTo(TailEvents.DONE);
        assertThat(done.attempt()).isSameAs(a);
        assertThat(done.time()).isEqualTo(nextServiceNanos());
    }

    @Test
    void aCompletionStartsTheHeadOfTheQueueAtThatTime() {
        TailAttempt a = attempt();
        TailAttempt b = attempt();
        TailAttempt c = attempt();
        servers.enqueue(server, a);
        servers.enqueue(server, b);
        servers.enqueue(server, c);
        long ta = nextServiceNanos();
        long tb = nextServiceNanos();
        TailEvents.Event first = events.next();
        TailAttempt firstDone = ta <= tb ? a : b;
        assertThat(first.attempt()).isSameAs(firstDone);
        assertThat(first.time()).isEqualTo(Math.min(ta, tb));
        assertThat(servers.complete(first.attempt())).isTrue();
        assertThat(c.inService).isTrue();
        assertThat(server.queue).isEmpty();
        assertThat(server.busy).isEqualTo(2);
        assertThat(server.completions).isEqualTo(1);
        // c's service starts at the first completion
        long tc = nextServiceNanos();
        long cDone = -1;
        for (TailEvents.Event e = events.next(); e != null; e = events.next()) {
            if (e.attempt() == c) {
                cDone = e.time();
            }
        }
        assertThat(cDone).isEqualTo(Math.min(ta, tb) + tc);
    }

    @Test
    void busyTimeIsTwoWorkersUntilTheFirstCompletion() {
        servers.enqueue(server, attempt());
        servers.enqueue(server, attempt());
        long t = Math.min(nextServiceNanos(), nextServiceNanos());
        servers.complete(events.next().attempt());
        assertThat(server.busyNanos).isEqualTo(2 * t);
        assertThat(server.busy).isEqualTo(1);
    }

    @Test
    void cancellingAQueuedTryRemovesItWithoutFreeingAWorker() {
        TailAttempt a = attempt();
        TailAttempt b = attempt();
        TailAttempt c = attempt();
        servers.enqueue(server, a);
        servers.enqueue(server, b);
        servers.enqueue(server, c);
        servers.cancel(c);
        assertThat(c.gone).isTrue();
        assertThat(server.queue).isEmpty();
        assertThat(server.busy).isEqualTo(2);
    }

    @Test
    void cancellingATryInServiceFreesItsWorkerForTheQueue() {
        TailAttempt a = attempt();
        TailAttempt b = attempt();
        TailAttempt c = attempt();
        servers.enqueue(server, a);
        servers.enqueue(server, b);
        servers.enqueue(server, c);
        servers.cancel(a);
        assertThat(c.inService).isTrue();
        assertThat(server.busy).isEqualTo(2);
        assertThat(server.queue).isEmpty();
    }

    @Test
    void aCancelledTryCompletingIsIgnored() {
        TailAttempt a = attempt();
        servers.enqueue(server, a);
        servers.cancel(a);
        assertThat(servers.complete(a)).isFalse();
        assertThat(server.completions).isZero();
        assertThat(server.busy).isZero();
    }

    @Test
    void otherClientsTrafficCompletesWithoutTellingTheClient() {
        TailAttempt background = new TailAttempt(null, server, null, 0);
        servers.enqueue(server, background);
        assertThat(servers.complete(background)).isFalse();
        assertThat(server.completions).isEqualTo(1);
    }

    @Test
    void aTryJoinsItsRequestsAttempts() {
        TailRequest r = new TailRequest(0);
        TailAttempt a = new TailAttempt(r, server, null, 0);
        assertThat(r.attempts).containsExactly(a);
    }

    @Test
    void sampleReportsUtilizationRpsAndInFlight() {
        TailAttempt a = attempt();
        servers.enqueue(server, a);
        servers.enqueue(server, attempt());
        servers.enqueue(server, attempt());
        // at half a second, with both workers busy all along and nothing completed
        events.schedule(SECOND / 2, TailEvents.SAMPLE, null, null);
        TailEvents.Event e;
        do {
            e = events.next();
            if (e.kind() == TailEvents.DONE) {
                servers.complete(e.attempt());
            }
        } while (e.kind() != TailEvents.SAMPLE);
        servers.sample();
        long completions = server.completions;
        assertThat(server.report.rps()).isEqualTo(completions * 2.0);
        assertThat(server.report.requestsInFlight()).isEqualTo(server.busy + server.queue.size());
        assertThat(server.report.cpuUtilization())
                .isEqualTo(Math.min(1.0, server.lastBusyNanos / (SECOND / 2 * 2.0)));
        assertThat(server.lastBusyNanos).isPositive();
    }

    @Test
    void picksAreReadPerServerInOrder() {
        TailSetup two = new TailSetup(new double[] {1, 1}, new double[] {0, 0}, 0.5, 2, 10, 0, 1, 1, 100, 200, 0, 0,
                300, 0, 1);
        TailServers both = new TailServers(two, new TailEvents(two), new SplittableRandom(1), new SplittableRandom(2));
        TailServer first = new TailServer(0, Server.builder("127.0.0.1", 80).build(), 1);
        TailServer second = new TailServer(1, Server.builder("127.0.0.2", 80).build(), 1);
        both.add(first);
        both.add(second);
        first.picks = 3;
        second.picks = 5;
        assertThat(both.picks()).containsExactly(3, 5);
        assertThat(both.get(1)).isSameAs(second);
    }
}
