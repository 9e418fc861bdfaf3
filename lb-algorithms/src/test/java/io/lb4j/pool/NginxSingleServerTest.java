package io.lb4j.pool;

import io.lb4j.api.Lease;
import io.lb4j.api.ManualTicker;
import io.lb4j.config.NginxUpstream;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThatCode;

class NginxSingleServerTest {

    /**
     * nginx: "if there is only a single server in a group, max_fails, fail_timeout and slow_start parameters are
     * ignored, and such a server will never be considered unavailable" (peers->single). An nginx-imported
     * single-server upstream in lb4j is unavailable for fail_timeout after one failure: a blip becomes a 10 s outage.
     */
    @Test
    void singleServerUpstreamIsNeverConsideredUnavailable() {
        LoadBalancingPool p = NginxUpstream.parse("upstream api { server 127.0.0.1:8080; }").toPoolBuilder()
                .ticker(new ManualTicker()).scheduleHealthChecks(false).build();
        Lease l = p.acquire();
        l.failure(new ConnectException("refused (restarting)"));
        assertThatCode(p::acquire).doesNotThrowAnyException();
    }
}
