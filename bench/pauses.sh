#!/usr/bin/env bash
# What a pause costs the calls after it (see docs/performance.md): callers that stop for 0.3 to 6 s
# and come back. The median latency of each of the 16 calls after a pause, per pause length, then
# the percentiles of all of them and the limit checks sent to the key's owner. About 2.5 minutes.
#
#   bench/pauses.sh [-Dbench.pausesMillis=300,800,1500,3000,6000] [-Dbench.repeats=8]
#                   [-Dbench.steadyCalls=2000]   # calls between pauses; 0: callers call only after them
#
# Builds the node distribution and the bench module, then runs io.gatehouse.bench.latency.Pauses: a
# loopback upstream, a JWKS issuer and one node (JWT + 5 policies + limits). The report (markdown)
# goes to bench/results/raw/, which is not versioned. GATEHOUSE_JAVA_OPTS sets the node's JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/harness.sh

run_harness io.gatehouse.bench.latency.Pauses pauses quick "$@"
