#!/usr/bin/env bash
# Measures the latency a Gatehouse node adds on loopback (see docs/performance.md).
#
#   bench/added-latency.sh [quick|full]      (default quick, about 2-3 minutes with the build)
#
# Builds the node distribution and the bench module, then runs io.gatehouse.bench.latency.AddedLatency,
# which starts a loopback upstream and a JWKS issuer in its own JVM and two node processes (no auth;
# JWT + policies), measures them side by side with the upstream, and stops them. The report
# (markdown) and raw samples (CSV) go to bench/results/raw/, which is not versioned.
#
# Settings: -Dbench.NAME=value arguments after the mode go to the harness JVM, e.g.
#   bench/added-latency.sh full -Dbench.rounds=12
# GATEHOUSE_JAVA_OPTS sets the nodes' JVM options (default as bin/gatehouse: -Xms64m -Xmx256m
# -XX:+ExitOnOutOfMemoryError). GATEHOUSE_BENCH_JFR=1 records the nodes with JDK Flight Recorder and
# prints their hottest methods.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/harness.sh

mode=${1:-quick}
[ $# -gt 0 ] && shift
case "$mode" in
  quick|full) ;;
  *) echo "usage: bench/added-latency.sh [quick|full] [-Dbench.NAME=value ...]" >&2; exit 2 ;;
esac

run_harness io.gatehouse.bench.latency.AddedLatency added-latency "$mode" "$@"
