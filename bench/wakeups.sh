#!/usr/bin/env bash
# Where a node's threads spend a sequential call: CPU time and thread wake-ups (voluntary context
# switches) per call, by thread group, from /proc (see docs/performance.md). About 1.5 minutes.
#
#   bench/wakeups.sh [-Dbench.calls=20000] [-Dbench.passes=2]
#
# Builds the node distribution and the bench module, then runs io.gatehouse.bench.latency.Wakeups:
# a loopback upstream, a JWKS issuer and one node (JWT + 5 policies + limits). The report (markdown)
# goes to bench/results/raw/, which is not versioned. GATEHOUSE_JAVA_OPTS sets the node's JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/harness.sh

run_harness io.gatehouse.bench.latency.Wakeups wakeups quick "$@"
