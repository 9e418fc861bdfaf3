package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class DestinationHashContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new DestinationHash(HashingConfig.ofDefaults(), Randoms.seeded(42));
    }
}
