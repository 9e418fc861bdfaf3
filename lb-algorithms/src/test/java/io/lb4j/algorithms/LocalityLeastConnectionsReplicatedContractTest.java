package io.lb4j.algorithms;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.Strategy;

class LocalityLeastConnectionsReplicatedContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new LocalityLeastConnectionsReplicated(LocalityConfig.ofDefaults(), new ManualTicker());
    }
}
