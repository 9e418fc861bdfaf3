package io.lb4j.benchmarks.jmh;

import io.lb4j.benchmarks.Fixtures;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.RpcStatus;
import org.apache.dubbo.rpc.model.ServiceModel;

import java.util.ArrayList;
import java.util.List;

/** The same cluster as {@link Fixtures}, as Dubbo invokers and invocations. */
final class DubboFixtures {
    static final String SERVICE = DubboInvoker.Echo.class.getName();
    static final String METHOD = "echo";

    private DubboFixtures() {
    }

    /**
     * {@code n} invokers, {@code dubbo://127.0.0.1:(20000+i)/Echo?weight=(1 + i mod 4)}, plus any extra
     * URL parameters ({@code key=value&...}).
     */
    static List<Invoker<DubboInvoker.Echo>> invokers(int n, String extraParameters) {
        List<Invoker<DubboInvoker.Echo>> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String url = "dubbo://127.0.0.1:" + (20_000 + i) + "/" + SERVICE + "?weight=" + Fixtures.weight(i)
                    + (extraParameters.isEmpty() ? "" : "&" + extraParameters);
            list.add(new DubboInvoker(URL.valueOf(url)));
        }
        return List.copyOf(list);
    }

    /** The consumer URL an {@code AbstractClusterInvoker} would pass to {@code select}. */
    static URL consumerUrl() {
        return URL.valueOf("consumer://127.0.0.1/" + SERVICE + "?interface=" + SERVICE);
    }

    /** {@link Fixtures#KEYS} invocations of {@code echo(key)}, the key being the consistent-hash argument. */
    static Invocation[] invocations() {
        Invocation[] inv = new Invocation[Fixtures.KEYS];
        for (int i = 0; i < inv.length; i++) {
            // no ServiceModel: what a consumer without Dubbo's config layer passes
            inv[i] = new RpcInvocation((ServiceModel) null, METHOD, SERVICE, SERVICE, new Class<?>[] {String.class},
                    new Object[] {Fixtures.key(i)});
        }
        return inv;
    }

    /**
     * Gives every invoker the same uneven number of active calls as the lb4j fixtures (Dubbo's
     * {@link RpcStatus} is what LeastActive and ShortestResponse read), and one completed call of the
     * fixture's latency so ShortestResponse has an average.
     */
    static void setActive(List<Invoker<DubboInvoker.Echo>> invokers) {
        int[] inFlight = Fixtures.inFlight(invokers.size());
        double[] latency = Fixtures.latencies(invokers.size());
        for (int i = 0; i < invokers.size(); i++) {
            URL url = invokers.get(i).getUrl();
            RpcStatus.beginCount(url, METHOD);
            RpcStatus.endCount(url, METHOD, (long) (latency[i] / 1_000_000), true);
            for (int k = 0; k < inFlight[i]; k++) {
                RpcStatus.beginCount(url, METHOD);
            }
        }
    }

    /** Forgets the counters {@link #setActive} set (RpcStatus is global). */
    static void clearActive(List<Invoker<DubboInvoker.Echo>> invokers) {
        for (Invoker<DubboInvoker.Echo> invoker : invokers) {
            RpcStatus.removeStatus(invoker.getUrl());
            RpcStatus.removeStatus(invoker.getUrl(), METHOD);
        }
    }
}
