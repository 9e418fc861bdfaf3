package io.lb4j.algorithms;

import io.lb4j.api.ManualTicker;
import io.lb4j.api.Strategy;

/** Without reports the strategy is unweighted least request: the contract's even split applies. */
class ReportedLoadLeastRequestContractTest extends StrategyContract {

    @Override
    protected Strategy newStrategy() {
        return new ReportedLoadLeastRequest(ReportedLoadConfig.ofDefaults(), new ManualTicker(), Randoms.seeded(42));
    }

    @Override
    protected boolean weighted() {
        return false;
    }
}
