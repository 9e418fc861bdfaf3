#!/usr/bin/env bash
# The lb4j demo: real HTTP backends on loopback, real OkHttp traffic through an lb4j pool, one strategy
# after another; about a minute with the defaults. Extra flags go to the demo (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl benchmarks -am package -DskipTests
exec java -jar benchmarks/target/lb4j-demo.jar --chart benchmarks/target/lb4j-demo.png "$@"
