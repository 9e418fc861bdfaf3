package io.lb4j.benchmarks.jmh;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SynchronizationContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An anchor beside Dubbo (issue 14): gRPC-java 1.85.1's {@code round_robin} picker, obtained through the
 * public provider API only ({@code LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin")})
 * with a minimal {@link LoadBalancer.Helper}: the balancer is given N addresses, creates its subchannels
 * through the helper (through its pick_first children), each subchannel reports READY when asked to
 * connect, and the READY picker the balancer publishes is measured: {@code pickSubchannel(args)} per op.
 * No network is involved; this is gRPC's pick and nothing else.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class GrpcBenchmark {

    @Param({"10", "100", "1000"})
    public int servers;

    private final SynchronizationContext sync = new SynchronizationContext((t, e) -> {
        throw new IllegalStateException("gRPC balancer failed in setup", e);
    });
    private ScheduledExecutorService scheduler;
    private LoadBalancer lb;
    private volatile LoadBalancer.SubchannelPicker picker;
    private LoadBalancer.PickSubchannelArgs args;

    @Setup
    public void setUp() throws UnknownHostException {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        LoadBalancerProvider provider = LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin");
        if (provider == null) {
            throw new IllegalStateException("gRPC's round_robin provider is not registered");
        }
        lb = provider.newLoadBalancer(new BenchHelper());
        List<EquivalentAddressGroup> addresses = new ArrayList<>(servers);
        for (int i = 0; i < servers; i++) {
            byte[] ip = {10, 0, (byte) (i / 250), (byte) (i % 250 + 1)};
            addresses.add(new EquivalentAddressGroup(new InetSocketAddress(InetAddress.getByAddress(ip), 8080)));
        }
        sync.execute(() -> lb.acceptResolvedAddresses(LoadBalancer.ResolvedAddresses.newBuilder()
                .setAddresses(addresses).setAttributes(Attributes.EMPTY).build()));
        sync.drain();
        if (picker == null) {
            throw new IllegalStateException("gRPC's round_robin balancer never became READY");
        }
        args = new Args();
        if (pick().getSubchannel() == null) {
            throw new IllegalStateException("gRPC's READY picker returned no subchannel");
        }
    }

    @TearDown
    public void tearDown() {
        sync.execute(lb::shutdown);
        scheduler.shutdownNow();
    }

    @Benchmark
    public LoadBalancer.PickResult pick() {
        return picker.pickSubchannel(args);
    }

    private final class BenchHelper extends LoadBalancer.Helper {
        @Override
        public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs createArgs) {
            return new BenchSubchannel(createArgs);
        }

        @Override
        public void updateBalancingState(ConnectivityState state, LoadBalancer.SubchannelPicker newPicker) {
            if (state == ConnectivityState.READY) {
                picker = newPicker;
            }
        }

        @Override
        public SynchronizationContext getSynchronizationContext() {
            return sync;
        }

        @Override
        public ScheduledExecutorService getScheduledExecutorService() {
            return scheduler;
        }

        @Override
        public ChannelLogger getChannelLogger() {
            return QuietLogger.INSTANCE;
        }

        @Override
        public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
            throw new UnsupportedOperationException("no OOB channels in the benchmark");
        }

        @Override
        public String getAuthority() {
            return "bench";
        }
    }

    /** A subchannel that is READY as soon as it is asked to connect. */
    private final class BenchSubchannel extends LoadBalancer.Subchannel {
        private final LoadBalancer.CreateSubchannelArgs createArgs;
        private LoadBalancer.SubchannelStateListener listener;

        BenchSubchannel(LoadBalancer.CreateSubchannelArgs createArgs) {
            this.createArgs = createArgs;
        }

        @Override
        public void start(LoadBalancer.SubchannelStateListener l) {
            this.listener = l;
        }

        @Override
        public void requestConnection() {
            sync.executeLater(() -> listener.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.READY)));
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<EquivalentAddressGroup> getAllAddresses() {
            return createArgs.getAddresses();
        }

        @Override
        public Attributes getAttributes() {
            return createArgs.getAttributes();
        }

        @Override
        public ChannelLogger getChannelLogger() {
            return QuietLogger.INSTANCE;
        }
    }

    private static final class QuietLogger extends ChannelLogger {
        static final QuietLogger INSTANCE = new QuietLogger();

        @Override
        public void log(ChannelLogLevel level, String message) {
        }

        @Override
        public void log(ChannelLogLevel level, String messageFormat, Object... args) {
        }
    }

    private static final class Args extends LoadBalancer.PickSubchannelArgs {
        private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                return new byte[0];
            }
        };
        private static final MethodDescriptor<byte[], byte[]> METHOD = MethodDescriptor.newBuilder(BYTES, BYTES)
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("bench.Echo/Echo").build();
        private final Metadata headers = new Metadata();

        @Override
        public CallOptions getCallOptions() {
            return CallOptions.DEFAULT;
        }

        @Override
        public Metadata getHeaders() {
            return headers;
        }

        @Override
        public MethodDescriptor<?, ?> getMethodDescriptor() {
            return METHOD;
        }
    }
}
