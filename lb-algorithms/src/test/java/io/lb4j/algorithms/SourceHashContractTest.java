package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class SourceHashContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new SourceHash(HashingConfig.custom().table(HashingConfig.Table.KETAMA).build(), Randoms.seeded(42));
    }
}
