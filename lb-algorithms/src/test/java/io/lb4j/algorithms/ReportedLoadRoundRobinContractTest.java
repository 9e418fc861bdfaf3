package io.lb4j.algorithms;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.Strategy;

/** Without reports the strategy is round robin: the contract's even split applies. */
class ReportedLoadRoundRobinContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new ReportedLoadRoundRobin(ReportedLoadConfig.ofDefaults(), new ManualTicker(), Randoms.seeded(42));
    }

    @Override
    protected boolean weighted() {
        return false;
    }
}
