package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class NeverQueueContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new NeverQueue(Randoms.seeded(42));
    }
}
