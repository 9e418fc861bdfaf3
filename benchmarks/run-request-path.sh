#!/usr/bin/env bash
# Issue 14's request-path comparison in one JMH run: lb4j's pool request (acquire + success) and Picker.pick for
# round robin, least-request, peak EWMA and the reported-load strategies, beside Spring Cloud LoadBalancer's
# choose(), gRPC-java's round_robin picker, an AtomicInteger-modulo baseline and one System.nanoTime() read,
# at 10/100/1000 servers, and the pool with Micrometer bound or not (10 servers), with 1 and then 2 threads, with the
# GC profiler (about 13 minutes per fork). Run it on a quiet machine.
#
#   benchmarks/run-request-path.sh
#   JMH_ARGS="-wi 1 -i 1" benchmarks/run-request-path.sh      # a smoke run
#
# Output: benchmarks/target/jmh/request-path-t1.json, -t2.json and request-path.md (table and targets).
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/target/jmh
mvn -B -q -pl benchmarks -am package -DskipTests
mkdir -p "$out"
include='BaselineBenchmark|SpringCloudBenchmark|GrpcBenchmark|PickerBenchmark|PoolBenchmark|PoolMetricsBenchmark'
params=(-p strategy=round-robin,least-request,peak-ewma,reported-load-round-robin,reported-load-least-request
        -p loadBalancer=roundrobin,random -p servers=10,100,1000 -p metrics=none,micrometer)
for t in 1 2; do
  # shellcheck disable=SC2086
  java -jar benchmarks/target/benchmarks.jar "$include" "${params[@]}" -t "$t" -prof gc -rf json \
    -rff "$out/request-path-t$t.json" ${JMH_ARGS:-} | tee "$out/request-path-log-t$t.txt"
done
java -cp benchmarks/target/benchmarks.jar io.lb4j.benchmarks.report.RequestPathReport \
  "$out/request-path-t1.json" "$out/request-path-t2.json" | tee "$out/request-path.md"
