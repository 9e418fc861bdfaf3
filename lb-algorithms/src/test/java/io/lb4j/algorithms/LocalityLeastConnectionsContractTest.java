package io.lb4j.algorithms;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.Strategy;

class LocalityLeastConnectionsContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new LocalityLeastConnections(LocalityConfig.ofDefaults(), new ManualTicker());
    }
}
