package readme;

import io.lb4j.api.ServerSource;
import io.lb4j.discovery.PoolBinder;
import io.lb4j.discovery.SubsettingSource;
import io.lb4j.pool.LoadBalancingPool;

public class SubsettingExample {
    /** This client (pod ordinal {@code podOrdinal} of {@code replicaCount}) balances over 100 of the fleet's servers. */
    static PoolBinder follow(LoadBalancingPool pool, ServerSource fleetSource, int podOrdinal, int replicaCount) {
        ServerSource mine = new SubsettingSource(fleetSource, podOrdinal, replicaCount, 100);
        return PoolBinder.bind(pool, mine);
    }
}
