#!/usr/bin/env bash
# The deterministic tail-latency simulation: every strategy × every scenario, markdown tables on stdout,
# the p99 chart in benchmarks/target/sim-p99.png. Extra flags go to SimMain (--help lists them); then
# issue 14's tail-latency scenarios (TailSimMain).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl benchmarks -am package -DskipTests
java -cp benchmarks/target/benchmarks.jar io.lb4j.benchmarks.sim.SimMain --chart benchmarks/target/sim-p99.png "$@"
java -cp benchmarks/target/benchmarks.jar io.lb4j.benchmarks.sim.ZoneSpill
# Issue 14's scenarios (reported load, hedging, fleet-wide slowdown), each target printed as MET or MISSED.
echo
echo "## Tail-latency scenarios (issue 14)"
echo
exec java -cp benchmarks/target/benchmarks.jar io.lb4j.benchmarks.sim.TailSimMain
