package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class WeightedLeastConnectionsContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new WeightedLeastConnections(Randoms.seeded(42));
    }
}
