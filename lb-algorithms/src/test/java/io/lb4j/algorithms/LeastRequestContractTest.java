package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class LeastRequestContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new LeastRequest(Randoms.seeded(42));
    }
}
