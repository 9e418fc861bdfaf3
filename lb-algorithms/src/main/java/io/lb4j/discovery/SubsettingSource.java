package io.lb4j.discovery;

import io.lb4j.api.Server;
import io.lb4j.api.ServerSource;

import java.util.List;

/**
 * A {@link ServerSource} that passes on this client's {@link DeterministicSubset} of another source's lists:
 * put it between a fleet-wide source and a {@link PoolBinder} so each client instance balances over
 * {@code k} servers. Failures pass through. Closing it closes the wrapped source.
 *
 * <p>Thread-safe.
 */
public final class SubsettingSource extends AbstractServerSource {
    private final ServerSource delegate;
    private final Subscription subscription;

    /**
     * @param delegate    the fleet-wide source, not null
     * @param clientIndex this client's index, 0 to {@code clientCount - 1}
     * @param clientCount how many clients share the fleet, at least 1
     * @param subsetSize  servers per client, at least 1
     */
    public SubsettingSource(ServerSource delegate, int clientIndex, int clientCount, int subsetSize) {
        super(checkedName(delegate, clientIndex, clientCount, subsetSize));
        this.delegate = delegate;
        this.subscription = delegate.subscribe(new Subscriber() {
            @Override
            public void onServers(List<Server> servers) {
                publish(DeterministicSubset.subset(servers, clientIndex, clientCount, subsetSize));
            }

            @Override
            public void onFailure(Throwable error) {
                publishFailure(error);
            }
        });
    }

    private static String checkedName(ServerSource delegate, int clientIndex, int clientCount, int subsetSize) {
        if (delegate == null) {
            throw new IllegalArgumentException("delegate must not be null");
        }
        // validates the three numbers with the same messages as subset() itself
        DeterministicSubset.subset(List.of(), clientIndex, clientCount, subsetSize);
        return delegate.name() + " subset " + clientIndex + "/" + clientCount + " k=" + subsetSize;
    }

    @Override
    public void refresh() {
        delegate.refresh();
    }

    @Override
    protected void doClose() {
        subscription.close();
        delegate.close();
    }
}
