#!/usr/bin/env bash
# Where the time to a stream's first event goes: streams one after the other, straight to a loopback
# upstream and through one node, timed at the client, at the upstream's write of the first event and
# in the node's access log (see docs/performance.md). About 1 minute.
#
#   bench/stream-start.sh [-Dbench.streams=400] [-Dbench.passes=2] [-Dbench.streamIntervalMs=10]
#
# Builds the node distribution and the bench module, then runs io.gatehouse.bench.latency.StreamStart.
# The report (markdown) goes to bench/results/raw/, which is not versioned. GATEHOUSE_JAVA_OPTS sets
# the node's JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/harness.sh

run_harness io.gatehouse.bench.latency.StreamStart stream-start quick "$@"
