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
root=$(pwd)
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

mode=${1:-quick}
[ $# -gt 0 ] && shift
case "$mode" in
  quick|full) ;;
  *) echo "usage: bench/added-latency.sh [quick|full] [-Dbench.NAME=value ...]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-latency.XXXXXX")
harness=""
cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [ -n "$harness" ] && kill -0 "$harness" 2>/dev/null; then
    kill "$harness" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$harness" 2>/dev/null || break; sleep 1; done
    kill -9 "$harness" 2>/dev/null || true
  fi
  # The harness stops its nodes itself; these are only the ones it could not (it was killed).
  if [ -f "$work/pids" ]; then
    while read -r pid; do
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        sleep 2
        kill -9 "$pid" 2>/dev/null || true
      fi
    done < "$work/pids"
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

./mvnw -q -pl node,bench -am package -DskipTests -Dspotless.check.skip=true

mkdir -p bench/results/raw
out="bench/results/raw/added-latency-$(date -u +%Y%m%dT%H%M%SZ)"
jfr=false
[ "${GATEHOUSE_BENCH_JFR:-0}" = 1 ] && jfr=true

"$JAVA_HOME/bin/java" -Xms512m -Xmx512m -XX:+AlwaysPreTouch \
  -Dbench.nodeJava="$JAVA_HOME/bin/java" \
  -Dbench.nodeJar="$root/node/target/dist/gatehouse-node.jar" \
  -Dbench.nodeOpts="${GATEHOUSE_JAVA_OPTS:--Xms64m -Xmx256m -XX:+ExitOnOutOfMemoryError}" \
  -Dbench.workDir="$work" \
  -Dbench.out="$out" \
  -Dbench.clockTicks="$(getconf CLK_TCK)" \
  -Dbench.jfr="$jfr" \
  "$@" \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.gatehouse.bench.latency.AddedLatency "$mode" > >(tee "$out.txt") 2>&1 &
harness=$!
wait "$harness"
harness=""

if [ "$jfr" = true ]; then
  for f in "$out"-*.jfr; do
    [ -f "$f" ] || continue
    echo
    echo "## Hot methods of $(basename "$f")"
    "$JAVA_HOME/bin/jfr" view --width 180 hot-methods "$f" | tee "${f%.jfr}-hot-methods.txt"
  done
fi
echo
echo "report: $out.md"
echo "raw samples: $out-samples.csv; console: $out.txt"
