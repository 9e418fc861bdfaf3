package io.lb4j.okhttp;

import io.lb4j.api.EndpointStats;
import io.lb4j.api.HealthListener;
import io.lb4j.api.HealthState;
import io.lb4j.api.Lease;
import io.lb4j.api.PickContext;
import io.lb4j.api.Pool;
import io.lb4j.api.Server;
import io.lb4j.pool.LoadBalancingPool;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static io.lb4j.okhttp.Fixtures.call;
import static io.lb4j.okhttp.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LoadBalancingInterceptor#close()} releases what the interceptor registered on its pools. */
class CloseTest extends InterceptorTestBase {

    /** The real pool, with the listeners registered on it visible to the test. */
    private static final class ListenerRecordingPool implements Pool {
        final Pool delegate;
        final Set<HealthListener> listeners = ConcurrentHashMap.newKeySet();

        ListenerRecordingPool(Pool delegate) {
            this.delegate = delegate;
        }

        @Override public String name() { return delegate.name(); }
        @Override public Lease acquire() { return delegate.acquire(); }
        @Override public Lease acquire(PickContext context) { return delegate.acquire(context); }
        @Override public void add(Server server) { delegate.add(server); }
        @Override public void addDown(Server server) { delegate.addDown(server); }
        @Override public void update(java.util.Collection<Server> servers) { delegate.update(servers); }
        @Override public boolean remove(String serverId) { return delegate.remove(serverId); }
        @Override public void setWeight(String serverId, int weight) { delegate.setWeight(serverId, weight); }
        @Override public void markDown(String serverId) { delegate.markDown(serverId); }
        @Override public void markUp(String serverId) { delegate.markUp(serverId); }
        @Override public CompletableFuture<Void> drain(String serverId) { return delegate.drain(serverId); }
        @Override public List<Server> servers() { return delegate.servers(); }
        @Override public Optional<Server> server(String serverId) { return delegate.server(serverId); }
        @Override public HealthState state(String serverId) { return delegate.state(serverId); }
        @Override public EndpointStats stats(String serverId) { return delegate.stats(serverId); }
        @Override public List<EndpointStats> stats() { return delegate.stats(); }
        @Override public void close() { delegate.close(); }

        @Override
        public void addListener(HealthListener listener) {
            listeners.add(listener);
            delegate.addListener(listener);
        }

        @Override
        public void removeListener(HealthListener listener) {
            listeners.remove(listener);
            delegate.removeListener(listener);
        }
    }

    @Test
    void closeUnregistersThePoolListenersAndRefusesLogicalRequestsWithoutSendingThem() throws IOException {
        Backend a = backend("a");
        LoadBalancingPool real = pool("orders", TestStrategies.first(), List.of(a));
        ListenerRecordingPool orders = new ListenerRecordingPool(real);
        LoadBalancingInterceptor lb = LoadBalancingInterceptor.builder().pool("orders", orders)
                .route("orders-admin", "/", orders).stickyCookie("SRV").build();
        OkHttpClient client = Fixtures.client(lb, dns).build();
        assertThat(call(client, get("http://orders/x"))).isEqualTo("200 a");
        assertThat(orders.listeners).as("one sticky-token listener per pool").hasSize(1);

        lb.close();
        lb.close(); // idempotent

        assertThat(orders.listeners).isEmpty();
        assertThatThrownBy(() -> client.newCall(get("http://orders/x")).execute())
                .isInstanceOf(IOException.class)
                .hasMessage("LoadBalancingInterceptor is closed: request for logical host 'orders' not sent");
        assertThat(a.hits.get()).isEqualTo(1);
        assertThat(real.stats("a").inFlight()).isZero();
        // other hosts still pass through; the pool stays open for its owner
        assertThat(call(client, get("http://127.0.0.1:" + a.port() + "/direct"))).isEqualTo("200 a");
        assertThat(real.acquire()).satisfies(Lease::drop);
    }

    @Test
    void closedStickyTokensResolveNothing() {
        LoadBalancingPool pool = pool("orders", TestStrategies.first(), List.of(backend("a")));
        StickyTokens tokens = new StickyTokens(pool, "0123456789abcdef".getBytes());
        String token = tokens.token("a");
        assertThat(tokens.resolve(token)).isEqualTo("a");

        tokens.close();

        assertThat(tokens.resolve(token)).isNull();
    }
}
