package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class WeightedRandomContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new WeightedRandom(Randoms.seeded(42));
    }
}
