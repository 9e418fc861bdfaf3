#!/usr/bin/env bash
# Runs the lb4j JMH suite (Picker.pick and pool acquire+success for every strategy at 10/100/1000 servers,
# the AtomicInteger baseline, Apache Dubbo 3.3.5 and the hash-table builds) with the GC profiler, with 1
# and then 2 threads, and turns the JSON results into the markdown ratio tables of benchmarks/README.md.
#
#   benchmarks/run-jmh.sh                      # the full run (~40 min on 2 cores): run it on a quiet machine
#   JMH_ARGS="-f 1 -wi 1 -i 1 -r 1s -w 1s" benchmarks/run-jmh.sh   # a smoke run (~6 min)
#   JMH_INCLUDE='PickerBenchmark' benchmarks/run-jmh.sh             # a subset (a JMH regex)
#
# Output: benchmarks/target/jmh/results-t1.json, results-t2.json, results.md (tables), machine.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/target/jmh
mvn -B -q -pl benchmarks -am package -DskipTests
mkdir -p "$out"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores)"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "os: $(uname -sr)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"
cat "$out/machine.txt"
include="${JMH_INCLUDE:-io.lb4j.benchmarks.jmh.}"
# shellcheck disable=SC2086
java -jar benchmarks/target/benchmarks.jar "$include" -t 1 -prof gc -rf json -rff "$out/results-t1.json" ${JMH_ARGS:-} \
  | tee "$out/log-t1.txt"
# The table builds are single-threaded updates: measure them with one thread only.
# shellcheck disable=SC2086
java -jar benchmarks/target/benchmarks.jar "$include" -e TableBuildBenchmark -t 2 -prof gc -rf json \
  -rff "$out/results-t2.json" ${JMH_ARGS:-} | tee "$out/log-t2.txt"
{
  echo "Machine:"
  echo
  sed 's/^/    /' "$out/machine.txt"
  echo
  java -cp benchmarks/target/benchmarks.jar io.lb4j.benchmarks.report.JmhRatios "$out/results-t1.json" "$out/results-t2.json"
} > "$out/results.md"
echo "tables: $out/results.md"
