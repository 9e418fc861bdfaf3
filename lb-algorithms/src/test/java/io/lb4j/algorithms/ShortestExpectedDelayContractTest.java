package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class ShortestExpectedDelayContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new ShortestExpectedDelay(Randoms.seeded(42));
    }
}
