#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of the bench module (see docs/performance.md).
#
#   bench/jmh.sh [pattern] [JMH options]     e.g. bench/jmh.sh PolicyBench
#
# Builds the bench module, then runs org.openjdk.jmh.Main with modest iteration counts (one fork per
# benchmark, 5 x 1 s warm-up, 5 x 1 s measurement: 12-15 s per benchmark, about a minute per class)
# and ThreadCpuProfiler, which adds each benchmark's CPU time per operation (":cpu") next to its
# wall-clock score. Options given replace these, e.g. bench/jmh.sh PolicyBench -i 10 -prof gc.
# The pattern is a regular expression over benchmark names (default: all). Results go to
# bench/results/raw/ (not versioned) as text and JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
pattern=${1:-.}
[ $# -gt 0 ] && shift
./mvnw -q -pl bench -am package -DskipTests -Dspotless.check.skip=true
if [ ! -f bench/target/classes/META-INF/BenchmarkList ]; then
  # Classes compiled before the JMH generator was configured: compile them again.
  rm -rf bench/target/classes
  ./mvnw -q -pl bench -am package -DskipTests -Dspotless.check.skip=true
fi
mkdir -p bench/results/raw
out="bench/results/raw/jmh-$(date -u +%Y%m%dT%H%M%SZ)"
# JMH refuses an option given twice, so a default is left out where the caller gives its own.
defaults=()
for option in "-f 1" "-wi 5" "-i 5" "-w 1s" "-r 1s"; do
  name=${option%% *}
  given=false
  for arg in "$@"; do [ "$arg" = "$name" ] && given=true; done
  [ "$given" = true ] || defaults+=($option)
done
"$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  org.openjdk.jmh.Main "$pattern" "${defaults[@]}" \
  -prof io.gatehouse.bench.micro.ThreadCpuProfiler -rf json -rff "$out.json" "$@" \
  | tee "$out.txt"
echo "results: $out.txt, $out.json"
