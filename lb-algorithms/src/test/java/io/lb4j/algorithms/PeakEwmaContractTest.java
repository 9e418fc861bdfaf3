package io.lb4j.algorithms;

import io.lb4j.api.Strategy;

class PeakEwmaContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new PeakEwma(PeakEwmaConfig.ofDefaults(), Randoms.seeded(42));
    }
}
