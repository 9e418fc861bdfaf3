package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class RoundRobinContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new RoundRobin(Randoms.seeded(42));
    }

    @Override
    protected boolean weighted() {
        return false;
    }
}
