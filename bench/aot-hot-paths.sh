#!/usr/bin/env bash
# Compares published binaries on the service's hot paths as shipped (Native AOT): telemetry ingest at 10,000 simulated
# agents (events per CPU-second of the service, robust to other load) and the physics step at 10,000 nodes, both read
# from the service's own /metrics after a 10 s warm-up, over 30 s. The simulator is the first binary each time, so the
# load it generates is the same for every run; binaries run alternately, twice each.
# Usage: bench/aot-hot-paths.sh SIMULATOR_BINARY name=BINARY [name=BINARY ...]
set -euo pipefail
sim_bin=$1; shift
run() {
  local name=$1 bin=$2 simlog svclog port="" url=""
  simlog=$(mktemp); svclog=$(mktemp)
  "$sim_bin" simulate --port 0 --agents 10000 >"$simlog" 2>&1 & local sim=$!
  for _ in $(seq 100); do port=$(grep -o 'listening on tcp://127.0.0.1:[0-9]*' "$simlog" | grep -o '[0-9]*$' || true); [[ -n "$port" ]] && break; sleep 0.1; done
  CLAUDE_FLOW_HOST=127.0.0.1 MCP_TCP_PORT=$port MCP_MAX_AGENTS=10000 VISIONFLOW_RATE_LIMIT=0 "$bin" --port 0 --physics-backend cpu >"$svclog" 2>&1 & local svc=$!
  for _ in $(seq 100); do url=$(grep -o 'listening on http://[0-9.:]*' "$svclog" | sed 's/listening on //' || true); [[ -n "$url" ]] && break; sleep 0.1; done
  sleep 10
  local m0 c0 t0 m1 c1 t1
  m0=$(curl -s "$url/metrics"); c0=$(awk '{print $14+$15}' /proc/$svc/stat); t0=$(date +%s.%N)
  sleep 30
  m1=$(curl -s "$url/metrics"); c1=$(awk '{print $14+$15}' /proc/$svc/stat); t1=$(date +%s.%N)
  metric() { awk -v n="$1" '$1 == n {print $2}' <<<"$2"; }
  python3 - "$name" "$t0" "$t1" "$c0" "$c1" "$(getconf CLK_TCK)" \
    "$(metric visionflow_telemetry_events_accepted_total "$m0")" "$(metric visionflow_telemetry_events_accepted_total "$m1")" \
    "$(metric visionflow_physics_steps_total "$m0")" "$(metric visionflow_physics_steps_total "$m1")" \
    "$(metric visionflow_physics_step_p50_seconds "$m1")" "$(metric visionflow_physics_step_p50_microseconds "$m1")" \
    "$(metric visionflow_physics_nodes "$m1")" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys
name, t0, t1, c0, c1, hz, e0, e1, s0, s1, p50s, p50us, nodes, load = sys.argv[1:]
# Seconds since the metrics moved to base units; a baseline binary from before still says microseconds.
p50 = float(p50s) * 1e6 if p50s else float(p50us)
dt = float(t1) - float(t0); cpu = (float(c1) - float(c0)) / float(hz); ev = float(e1) - float(e0)
print(f"| {name} | {ev/dt:,.0f} | {ev/cpu:,.0f} | {100*cpu/dt:.0f} % | {nodes} | {(float(s1)-float(s0))/dt:.1f} | {float(p50):,.0f} | {load} |")
PY
  kill "$svc" "$sim"; wait "$svc" "$sim" 2>/dev/null || true; rm -f "$simlog" "$svclog"
}
echo "| binary | events/s | events per CPU-second | service CPU | physics nodes | steps/s | step p50 µs | load average |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for _ in 1 2; do
  for pair in "$@"; do run "${pair%%=*}" "${pair#*=}"; done
done
