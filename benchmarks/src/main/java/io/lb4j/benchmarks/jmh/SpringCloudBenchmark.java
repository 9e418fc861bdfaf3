package io.lb4j.benchmarks.jmh;

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
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RandomLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An anchor beside Dubbo (issue 14): Spring Cloud LoadBalancer 4.3.3's {@code RoundRobinLoadBalancer} and
 * {@code RandomLoadBalancer}, {@code choose(request).block()} over a fixed list of instances, as its
 * blocking client ({@code BlockingLoadBalancerClient}) drives them: the instance list supplier returns the
 * same {@code Flux.just(list)} every time (no discovery, no caching layer, no health-check filter), so
 * this is Spring's whole selection cost and nothing else. Compare with lb4j's {@code PoolBenchmark}
 * (acquire + success) and {@code PickerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SpringCloudBenchmark {

    @Param({"roundrobin", "random"})
    public String loadBalancer;

    @Param({"10", "100", "1000"})
    public int servers;

    private ReactorServiceInstanceLoadBalancer lb;
    private final Request<?> request = new DefaultRequest<>();

    @Setup
    public void setUp() {
        List<ServiceInstance> instances = new ArrayList<>(servers);
        for (int i = 0; i < servers; i++) {
            instances.add(new DefaultServiceInstance("s" + i, "bench", "10.0." + (i / 250) + "." + (i % 250 + 1),
                    8080, false));
        }
        Flux<List<ServiceInstance>> fixed = Flux.just(List.copyOf(instances));
        ServiceInstanceListSupplier supplier = new ServiceInstanceListSupplier() {
            @Override
            public String getServiceId() {
                return "bench";
            }

            @Override
            public Flux<List<ServiceInstance>> get() {
                return fixed;
            }
        };
        ObjectProvider<ServiceInstanceListSupplier> provider = new ObjectProvider<>() {
            @Override
            public ServiceInstanceListSupplier getObject() {
                return supplier;
            }

            @Override
            public ServiceInstanceListSupplier getIfAvailable() {
                return supplier;
            }
        };
        switch (loadBalancer) {
            case "roundrobin" -> lb = new RoundRobinLoadBalancer(provider, "bench");
            case "random" -> lb = new RandomLoadBalancer(provider, "bench");
            default -> throw new IllegalArgumentException("loadBalancer must be roundrobin or random, was '"
                    + loadBalancer + "'");
        }
        if (choose() == null) {
            throw new IllegalStateException("Spring Cloud LoadBalancer chose nothing");
        }
    }

    @Benchmark
    public ServiceInstance choose() {
        Response<ServiceInstance> r = lb.choose(request).block();
        return r == null ? null : r.getServer();
    }
}
