#!/usr/bin/env bash
# Compares the upstream HTTP client candidates against a loopback server (see
# docs/decisions/0001-upstream-http-client.md). Builds the bench module, runs the comparison, and
# keeps the full output under bench/results/raw/ (not versioned). Settings: -Dbench.NAME=value
# arguments are passed to the JVM, e.g. bench/http-client-compare.sh -Dbench.rounds=3
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -pl bench -am package -DskipTests
mkdir -p bench/results/raw
out="bench/results/raw/http-client-compare-$(date -u +%Y%m%dT%H%M%SZ).txt"
"$JAVA_HOME/bin/java" -Xms1g -Xmx1g -XX:+AlwaysPreTouch "$@" \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.gatehouse.bench.httpclient.HttpClientCompare | tee "$out"
echo "raw output: $out"
