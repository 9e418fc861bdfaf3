package io.lb4j.okhttp;

import io.lb4j.algorithms.RoundRobin;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs in lb-okhttp's on-okhttp-4 Surefire execution: the module's classes, compiled against OkHttp 5, with
 * OkHttp 4.12's jar in place of okhttp-jvm, as a Retrofit 3 user who kept {@code okhttp:4.12.0} would have.
 */
class OnOkHttp4Test {

    @BeforeAll
    static void onlyInTheExecutionWithOkHttp4() {
        assumeTrue(Boolean.getBoolean("lb4j.onOkHttp4"), "runs only in lb-okhttp's on-okhttp-4 Surefire execution");
    }

    @Test
    void okHttp4IsReallyTheOneHere() {
        assertThat(OkHttpSupport.version()).startsWith("4.12.");
    }

    @Test
    void buildingTheInterceptorSaysWhichOkHttpItNeeds() {
        try (LoadBalancingPool pool = LoadBalancingPool.builder("orders").strategy(new RoundRobin())
                .server(Server.of("127.0.0.1", 1)).build()) {
            assertThatThrownBy(() -> LoadBalancingInterceptor.builder().pool("orders", pool).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("OkHttp 5.4.0 or later")
                    .hasMessageContaining("okhttp-jvm")
                    .hasMessageContaining("found OkHttp 4.12.0");
        }
    }
}
