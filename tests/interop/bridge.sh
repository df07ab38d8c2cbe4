#!/usr/bin/env bash
# Interop check of `fcstream bridge` (docs/BRIDGE.md) with real Twilio Media Streams bots:
#
#   fcstream call (the emulator) -> fcstream bridge -> bot
#
# 1. A real Pipecat bot (tests/interop/pipecat/echo_bot.py: Pipecat's TwilioFrameSerializer and
#    FastAPIWebsocketTransport under uvicorn): the caller's speech echoed back (correlation),
#    a key press reaching the bot as dtmf (it answers with a tone), and Pipecat's interruption
#    reaching the platform as a clear that cuts the tone (tests/interop/pipecat/check.py).
# 2. A plain WebSocket bot (tests/interop/ws_bot.py, the `websockets` package): what Pipecat
#    never sends, marks answered after playback and on clear, and start.customParameters
#    (tests/interop/ws_bot_check.py).
#
# Builds nothing: uses target/debug/fcstream (FCSTREAM_BIN) and PYTHON (default python3) with
# pipecat-ai[websocket], uvicorn and websockets installed (see docs/BRIDGE.md, "Tests"). Ports
# are chosen by the OS; every process started here is stopped on exit. The calls' files stay
# in target/bridge-interop/. Prints the bridge's latency metrics, then
# "bridge interop: N passed, M failed"; exits 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"
BIN="${FCSTREAM_BIN:-target/debug/fcstream}"
[ -x "$BIN" ] || { echo "bridge interop: $BIN is missing (cargo build -p fcstream-cli)"; exit 1; }
"$PY" -c 'import pipecat, uvicorn, websockets, numpy' 2>/dev/null || {
  echo "bridge interop: $PY needs pipecat-ai[websocket], uvicorn and websockets (pip install)"; exit 1; }

out=target/bridge-interop
rm -rf "$out"
mkdir -p "$out"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# wait_for_file FILE PID LOG: until FILE exists (the process wrote its port), at most 60 s.
wait_for_file() {
  for _ in $(seq 1 600); do
    [ -s "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || { echo "it exited before it was ready:"; cat "$3"; return 1; }
    sleep 0.1
  done
  echo "not ready in 60 s:"; cat "$3"; return 1
}

# start_bridge NAME WS_URL: runs `fcstream bridge` on OS-chosen ports; sets grpc and metrics.
start_bridge() {
  local log="$out/$1-bridge.log"
  RUST_LOG=info NO_COLOR=1 "$BIN" bridge --listen 127.0.0.1:0 --metrics 127.0.0.1:0 --ws "$2" \
    >/dev/null 2>"$log" &
  pids+=($!)
  local pid=$!
  grpc="" metrics=""
  for _ in $(seq 1 600); do
    grpc=$(sed -n 's/.*fcstream listening.*addr=\([0-9.:]*\).*/\1/p' "$log" | head -1)
    metrics=$(sed -n 's/.*metrics on \/metrics.*addr=\([0-9.:]*\).*/\1/p' "$log" | head -1)
    [ -n "$grpc" ] && [ -n "$metrics" ] && return 0
    kill -0 "$pid" 2>/dev/null || { echo "the bridge exited:"; cat "$log"; return 1; }
    sleep 0.1
  done
  echo "the bridge did not start:"; cat "$log"; return 1
}

# show_latency METRICS_ADDR: the bridge's latency summaries, in ms.
show_latency() {
  "$PY" - "$1" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(f"http://{sys.argv[1]}/metrics", timeout=10).read().decode()
rows = {}
for line in text.splitlines():
    if line.startswith("fcstream_bridge_latency_"):
        name, value = line.rsplit(" ", 1)
        rows[name] = float(value)
for d in ("to_bot", "platform_to_bot", "to_platform"):
    m = f"fcstream_bridge_latency_{d}_seconds"
    q = lambda k: rows.get(f'{m}{{quantile="{k}"}}', float("nan")) * 1000
    print(f"  bridge latency {d:16} p50 {q('0.5'):7.3f} ms  p99 {q('0.99'):7.3f} ms"
          f"  ({int(rows.get(m + '_count', 0))} values)")
PY
}

passed=0
failed=0
verdict() {
  if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

echo "--- Pipecat $("$PY" -c 'import importlib.metadata as m; print(m.version("pipecat-ai"))') bot (TwilioFrameSerializer, FastAPIWebsocketTransport, uvicorn)"
"$PY" -u tests/interop/pipecat/echo_bot.py --port-file "$out/pipecat.port" \
  --events "$out/pipecat-events.jsonl" >"$out/pipecat-bot.log" 2>&1 &
pids+=($!)
wait_for_file "$out/pipecat.port" "$!" "$out/pipecat-bot.log"
start_bridge pipecat "ws://127.0.0.1:$(cat "$out/pipecat.port")/ws"
meta=(--metadata callId=CA-pipecat-1 --metadata tenant=acme)
set +e
"$BIN" call "http://$grpc" --wav assets/hello.wav --dtmf 1@3.5s,2@5.5s --hangup-after 8s \
  "${meta[@]}" --quiet --json --out "$out/pipecat" >"$out/pipecat.json"
status=$?
sleep 0.5 # the bot writes its last events as the bridge closes the socket
"$PY" tests/interop/pipecat/check.py --out "$out/pipecat" --events "$out/pipecat-events.jsonl" \
  --key1 3.5 --key2 5.5 --hangup 8 "${meta[@]}"
result=$?
set -e
[ "$status" -eq 0 ] || { echo "  FAIL fcstream call exited $status"; result=1; }
show_latency "$metrics"
[ "$result" -eq 0 ] || { echo "  (bridge log:)"; tail -20 "$out/pipecat-bridge.log"; }
verdict "$result"

echo "--- plain WebSocket bot (marks, clear, customParameters)"
"$PY" -u tests/interop/ws_bot.py --port-file "$out/ws.port" --report "$out/ws-report.json" \
  >"$out/ws-bot.log" 2>&1 &
pids+=($!)
wait_for_file "$out/ws.port" "$!" "$out/ws-bot.log"
start_bridge ws "ws://127.0.0.1:$(cat "$out/ws.port")/ws"
meta=(--metadata callId=CA-ws-1 --metadata tenant=acme --metadata lang=en)
set +e
"$BIN" call "http://$grpc" --tone 440 --hangup-after 6s "${meta[@]}" --quiet --json \
  --out "$out/ws" >"$out/ws.json"
status=$?
for _ in $(seq 1 50); do [ -s "$out/ws-report.json" ] && break; sleep 0.1; done
"$PY" tests/interop/ws_bot_check.py --report "$out/ws-report.json" --out "$out/ws" --hangup 6 \
  "${meta[@]}"
result=$?
set -e
[ "$status" -eq 0 ] || { echo "  FAIL fcstream call exited $status"; result=1; }
show_latency "$metrics"
[ "$result" -eq 0 ] || { echo "  (bridge log:)"; tail -20 "$out/ws-bridge.log"; cat "$out/ws-bot.log"; }
verdict "$result"

echo "bridge interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
