package io.lb4j.benchmarks.jmh;

import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;

/**
 * The least an {@link Invoker} must be for Dubbo's load balancers to select it: a URL (carrying
 * {@code weight}) and availability. It is never invoked.
 */
final class DubboInvoker implements Invoker<DubboInvoker.Echo> {
    /** The benchmark's service interface. */
    interface Echo {
        String echo(String key);
    }

    private final URL url;

    DubboInvoker(URL url) {
        this.url = url;
    }

    @Override
    public Class<Echo> getInterface() {
        return Echo.class;
    }

    @Override
    public Result invoke(Invocation invocation) throws RpcException {
        throw new UnsupportedOperationException("benchmark invoker is never invoked");
    }

    @Override
    public URL getUrl() {
        return url;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public void destroy() {
    }

    @Override
    public String toString() {
        return "DubboInvoker[" + url.getAddress() + "]";
    }
}
