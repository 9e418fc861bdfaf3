package io.lb4j.discovery;

import io.lb4j.api.Server;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A source the test pushes lists into by hand. */
final class TestSource extends AbstractServerSource {
    final AtomicInteger refreshes = new AtomicInteger();
    volatile boolean closedDown;

    TestSource() {
        super("test-source");
    }

    void push(List<Server> servers) {
        publish(servers);
    }

    void fail(Throwable t) {
        publishFailure(t);
    }

    @Override
    public void refresh() {
        refreshes.incrementAndGet();
    }

    @Override
    protected void doClose() {
        closedDown = true;
    }
}
