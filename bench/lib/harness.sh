# Shared by bench/added-latency.sh and bench/run.sh; source it from the repository root.
#
#   run_harness MAIN_CLASS OUT_PREFIX MODE [-Dbench.NAME=value ...]
#
# Builds the node distribution and the bench module, then runs MAIN_CLASS (io.gatehouse.bench.latency.*)
# in its own JVM with the nodes' java, jar, JVM options and a temporary work directory. Everything the
# harness starts is stopped on exit, even when it fails or is interrupted: the harness stops its
# processes itself, and a trap stops any that are left, by the PIDs the harness wrote down. Output goes
# to bench/results/raw/OUT_PREFIX-<time>{.txt,.md,-samples.csv,...}, which is not versioned.
# GATEHOUSE_JAVA_OPTS sets the nodes' JVM options (default as bin/gatehouse); GATEHOUSE_BENCH_JFR=1
# records the nodes with JDK Flight Recorder and prints their hottest methods.

run_harness() {
  local main=$1 prefix=$2 mode=$3
  shift 3
  root=$(pwd)
  export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
  harness=""
  trap _harness_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  ./mvnw -q -pl node,bench -am package -DskipTests -Dspotless.check.skip=true

  mkdir -p bench/results/raw
  out="bench/results/raw/$prefix-$(date -u +%Y%m%dT%H%M%SZ)"
  local jfr=false
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
    "$main" "$mode" > >(tee "$out.txt") 2>&1 &
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
}

_harness_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$harness" ] && kill -0 "$harness" 2>/dev/null; then
    kill "$harness" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$harness" 2>/dev/null || break; sleep 1; done
    kill -9 "$harness" 2>/dev/null || true
  fi
  # The harness stops what it started; these are only the processes it could not stop (it was killed).
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
