#!/usr/bin/env bash
# Start-up time and working set of the API host (docs/benchmarks.md, "Wolverine in the host").
# usage: bench/host-cost.sh HOST_DLL CONNECTION_STRING WORKERS_ENABLED LABEL [RUNS] [PORT]
# Starts the host RUNS+1 times (the first, which creates schemas and the development signing identity, is not counted),
# times it from launch to the first 200 of GET /health, reads VmRSS 5 s later, stops it with SIGTERM.
set -euo pipefail
dll=$1; cs=$2; workers=$3; label=$4; runs=${5:-3}; port=${6:-8111}
data=$(mktemp -d /tmp/archive-host-cost-XXXXXX)
for i in $(seq 0 "$runs"); do
  start=$(date +%s.%N)
  ConnectionStrings__Archive="$cs" Archive__DataFolder="$data" ASPNETCORE_URLS="http://127.0.0.1:$port" \
    Archive__Digitization__WorkersEnabled="$workers" Logging__LogLevel__Default=Warning dotnet "$dll" > "$data/host.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do
    sleep 0.05
    kill -0 "$pid" 2>/dev/null || { echo "host exited"; tail -20 "$data/host.log"; exit 1; }
  done
  ready=$(date +%s.%N)
  sleep 5
  rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  [ "$i" -eq 0 ] && continue
  echo "$label run $i: startup_s $(echo "$ready - $start" | bc) working_set_mb $((rss / 1024)) load $(cut -d' ' -f1 /proc/loadavg)"
done
rm -rf "$data"
