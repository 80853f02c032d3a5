#!/usr/bin/env bash
# The side-by-side load harness (see docs/performance.md): Gatehouse against nginx as a plain reverse
# proxy and the Portkey gateway, on one loopback upstream, with the same client.
#
#   bench/run.sh [quick|full] [-Dbench.NAME=value ...]
#
# quick (default): 2 to 3 minutes once the Maven build and the installs below are cached, a smoke
# test (the nodes are still compiling); full: about 17 minutes, for figures. Steps:
#   1. nginx: uses /usr/sbin/nginx, installing the Debian package nginx-light if it is missing
#      (needs root and apt). It runs from a generated config in a temporary directory, never as the
#      system service.
#   2. Portkey: installs @portkey-ai/gateway (PORTKEY_VERSION, default below) from the npm registry into
#      bench/.cache/portkey (not versioned) once, and runs it with Node.js. If it cannot be installed,
#      the report says so and measures the other systems.
#   3. Builds the node distribution and the bench module and runs io.gatehouse.bench.latency.SideBySide,
#      which starts the upstream, the JWKS issuer, nginx, Portkey, one Gatehouse node and a cluster of
#      three behind a second nginx, measures them in rotating rounds and stops them all.
# Every process listens on 127.0.0.1 only (Portkey has no bind option: it listens on all interfaces),
# every phase is bounded in time, and the trap stops whatever the harness left behind. The report
# (markdown), the summary and the raw samples (CSV) go to bench/results/raw/, which is not versioned.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/harness.sh

mode=${1:-quick}
[ $# -gt 0 ] && shift
case "$mode" in
  quick|full) ;;
  *) echo "usage: bench/run.sh [quick|full] [-Dbench.NAME=value ...]" >&2; exit 2 ;;
esac

nginx=/usr/sbin/nginx
if [ ! -x "$nginx" ]; then
  echo "nginx is missing: installing the Debian package nginx-light"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q nginx-light >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q nginx-light >/dev/null 2>&1; } \
      || apt-get install -y -q nginx >/dev/null 2>&1 \
      || echo "could not install nginx; nginx and the cluster behind it will not be measured"
  else
    echo "not root or no apt-get: nginx and the cluster behind it will not be measured"
  fi
fi

portkey_version=${PORTKEY_VERSION:-1.15.2}
portkey_dir="$(pwd)/bench/.cache/portkey-$portkey_version"
portkey_script="$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js"
# Portkey's published package leaves its web-server dependencies floating; their current releases
# break its streamed answers ("TypeError: immutable", Portkey-AI/gateway issue 1389). The versions
# below are the ones in the lockfile of Portkey's own repository for 1.15.2, so it runs as its
# maintainers build and test it. Portkey's own code is not changed.
portkey_package='{
  "private": true,
  "dependencies": { "@portkey-ai/gateway": "'"$portkey_version"'" },
  "overrides": { "@hono/node-server": "1.13.5", "@hono/node-ws": "1.2.0", "hono": "4.9.7" }
}'
portkey_missing=""
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  portkey_missing="Node.js (node and npm) is not installed"
elif [ ! -f "$portkey_script" ] || [ "$(cat "$portkey_dir/package.json" 2>/dev/null)" != "$portkey_package" ]; then
  echo "installing @portkey-ai/gateway@$portkey_version into $portkey_dir"
  rm -rf "$portkey_dir"
  mkdir -p "$portkey_dir"
  printf '%s' "$portkey_package" > "$portkey_dir/package.json"
  if ! (cd "$portkey_dir" && npm install --no-audit --no-fund --loglevel=error) > "$portkey_dir/npm-install.log" 2>&1 \
      || [ ! -f "$portkey_script" ]; then
    portkey_missing="npm install @portkey-ai/gateway@$portkey_version failed: $(tail -n 3 "$portkey_dir/npm-install.log" | tr '\n' ' ')"
    echo "$portkey_missing"
    rm -f "$portkey_dir/package.json"
  fi
fi

run_harness io.gatehouse.bench.latency.SideBySide side-by-side "$mode" \
  -Dbench.nginx="$nginx" \
  -Dbench.nodeJs="$(command -v node || echo node)" \
  -Dbench.portkeyDir="$( [ -z "$portkey_missing" ] && echo "$portkey_dir" )" \
  -Dbench.portkeyMissing="$portkey_missing" \
  "$@"
