package io.lb4j.okhttp;

import io.lb4j.pool.LoadBalancingPool;
import io.lb4j.pool.PassiveHealth;
import io.lb4j.pool.PoolConfig;
import okhttp3.MediaType;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

/**
 * What the hostile-backend tests share: raw-socket {@link HostileServer}s closed after each test, the pool under
 * test, and the check that ends every scenario ({@link Settled}): all leases complete, no thread left behind.
 */
abstract class HostileTestBase extends InterceptorTestBase {
    static final PoolConfig NO_PASSIVE = PoolConfig.custom().passiveHealth(PassiveHealth.disabled()).build();
    static final MediaType TEXT = MediaType.get("text/plain");

    final Settled settled = new Settled();
    private final List<HostileServer> hostiles = new ArrayList<>();
    LoadBalancingPool pool;

    @AfterEach
    void everyLeaseCompletedAndNoThreadLeft() throws Exception {
        if (pool != null) {
            Settled.leasesComplete(pool);
        }
        hostiles.forEach(HostileServer::close);
        settled.noThreadLeftBehind();
    }

    HostileServer hostile(HostileServer.Behaviour behaviour) {
        HostileServer h = HostileServer.start(behaviour);
        hostiles.add(h);
        return h;
    }
}
