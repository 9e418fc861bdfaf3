package io.lb4j.okhttp;

import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StickyTokensTest extends InterceptorTestBase {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

    private LoadBalancingPool pool() {
        return poolOf("orders", TestStrategies.rotation(), io.lb4j.pool.PoolConfig.custom().build(),
                List.of(Server.builder("127.0.0.1", 1).id("a").build()));
    }

    @Test
    void tokensFollowMembershipChanges() {
        LoadBalancingPool pool = pool();
        StickyTokens tokens = new StickyTokens(pool, SECRET);
        String tokenOfB = tokens.token("b");
        assertThat(tokens.resolve(tokenOfB)).isNull(); // not a member

        pool.add(Server.builder("127.0.0.1", 2).id("b").build());
        assertThat(tokens.resolve(tokenOfB)).isEqualTo("b");

        pool.remove("b");
        assertThat(tokens.resolve(tokenOfB)).isNull();
    }

    @Test
    void poolDoesNotKeepTheTokensOfADiscardedInterceptorAlive() {
        LoadBalancingPool pool = pool();
        WeakReference<StickyTokens> ref = new WeakReference<>(new StickyTokens(pool, SECRET));

        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc(); // no sleeping: only asks for collections until the weak reference is cleared
        }

        assertThat(ref.get()).as("StickyTokens collected while its pool is alive").isNull();
        // the next membership event unregisters the stale listener; the pool keeps working
        pool.add(Server.builder("127.0.0.1", 2).id("b").build());
        assertThat(pool.servers()).hasSize(2);
    }
}
