package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class WeightedRoundRobinContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new WeightedRoundRobin(Randoms.seeded(42));
    }
}
