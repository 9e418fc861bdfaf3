package io.lb4j.algorithms;

import io.lb4j.api.Endpoint;
import io.lb4j.api.Picker;
import io.lb4j.api.Strategy;
import io.lb4j.api.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The strategy body of {@link LocalityLeastConnections} ({@code lblc}) and
 * {@link LocalityLeastConnectionsReplicated} ({@code lblcr}), which differ only in their pickers: the
 * settings, the ticker, the key table (which belongs to the strategy, so it survives every republished
 * picker) and the rotation where keyless picks start their scan. {@code newPicker} validates the endpoints,
 * sweeps expired keys (logged at debug under the concrete class's logger) and hands the rest to
 * {@link #picker}.
 *
 * <p>Thread-safety: {@code newPicker} is called by one thread at a time (the pool's updater); the table and
 * the rotation are shared, thread-safe, by every picker.
 */
abstract class LocalityStrategy implements Strategy {
    /** Where a keyless pick starts its least-connections scan; shared by this strategy's pickers. */
    private final Sequence rotation = new Sequence(0);

    private final String name;
    private final Logger log;
    private final LocalityConfig config;
    private final Ticker ticker;
    private final LocalityTable table;

    LocalityStrategy(String name, LocalityConfig config, Ticker ticker) {
        this.name = name;
        this.log = LoggerFactory.getLogger(getClass());
        this.config = EndpointArrays.notNull("config", config);
        this.ticker = EndpointArrays.notNull("ticker", ticker);
        this.table = new LocalityTable(config.maxEntries(), config.expiry().toNanos());
    }

    @Override
    public final String name() {
        return name;
    }

    /** The settings this strategy was built with. */
    public final LocalityConfig config() {
        return config;
    }

    /** The key table, shared by every picker of this strategy. For tests. */
    final LocalityTable table() {
        return table;
    }

    @Override
    public final Picker newPicker(List<Endpoint> endpoints) {
        Endpoint[] array = EndpointArrays.checkedArray(name, endpoints);
        int swept = table.sweep(ticker.read());
        if (swept > 0 && log.isDebugEnabled()) {
            log.debug("{}: forgot {} keys idle for more than {}", name, swept, config.expiry());
        }
        return picker(array, table, ticker, rotation);
    }

    /** This strategy's picker over {@code endpoints} (checked, non-empty), sharing the table and rotation. */
    abstract Picker picker(Endpoint[] endpoints, LocalityTable table, Ticker ticker, Sequence rotation);

    @Override
    public final String toString() {
        return name + "(" + config + ")";
    }

    /**
     * What a locality picker holds: the eligible endpoints and their id index, the strategy's table, ticker
     * and rotation. Each subclass has its own final {@code pick}.
     */
    abstract static class LocalityPicker implements Picker {
        final Endpoint[] endpoints;
        final LocalityCommon.IdIndex index;
        final LocalityTable table;
        final Ticker ticker;
        final Sequence rotation;

        LocalityPicker(Endpoint[] endpoints, LocalityTable table, Ticker ticker, Sequence rotation) {
            this.endpoints = endpoints;
            this.index = new LocalityCommon.IdIndex(endpoints);
            this.table = table;
            this.ticker = ticker;
            this.rotation = rotation;
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + "[" + endpoints.length + " endpoints]";
        }
    }
}
