#!/usr/bin/env bash
# SIP interop for `fcstream sip` (docs/SIP.md): real SIP stacks call the app through it.
#   1. baresip (WAV as its microphone, ctrl_tcp to drive it, sndfile to record what it
#      hears) against `serve --app echo`: what it hears correlates >= 0.9 with what it sent;
#      its hang-up ends the stream with CALLER_DISCONNECT.
#   2. baresip against `serve --app ivr`: its key 5 reaches the app as DTMF (timeline), the
#      app's PressDTMF reaches baresip as a telephone-event, the app's hang-up ends
#      baresip's call.
#   3. SIPp: 50 concurrent calls with PCMU RTP (rtp_stream) echoed: every call completes,
#      no RTP lost or late at fcstream, and fcstream's RTP out keeps up with its RTP in on
#      every call (its own counters: this SIPp checks nothing it receives).
#   4. SIPp: a malformed INVITE gets 400, OPTIONS still gets 200, and a call still works.
# Needs: target/debug/fcstream, baresip (baresip-core), sipp (sip-tester), and a Python with
# numpy ($PYTHON, default target/models-venv/bin/python).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/interop/sip
BIN=${FCSTREAM_BIN:-$ROOT/target/debug/fcstream}
PY=${PYTHON:-$ROOT/target/models-venv/bin/python}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fcstream-sip.XXXXXX")
PIDS=()
FAILED=0

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$FAILED" = 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "sip.sh: files kept in $WORK"; fi
}
trap cleanup EXIT

for tool in "$BIN" baresip sipp; do
  command -v "$tool" >/dev/null || { echo "sip.sh: $tool not found (apt-get install -y --no-install-recommends sip-tester baresip-core; cargo build -p fcstream-cli)"; exit 1; }
done
"$PY" -c 'import numpy' 2>/dev/null || { echo "sip.sh: $PY has no numpy (set PYTHON, or pip install numpy into target/models-venv)"; exit 1; }

# A free port on 127.0.0.1 (udp or tcp).
free_port() {
  python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}
wait_tcp() {
  for _ in $(seq 100); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',int(sys.argv[1])),timeout=0.2)" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "sip.sh: nothing listening on tcp $1"; return 1
}
check() { # check NAME CONDITION-EXIT-STATUS...
  local name=$1; shift
  if "$@"; then echo "PASS $name"; else echo "FAIL $name"; FAILED=1; fi
}

# start_app APP -> sets APP_PORT
start_app() {
  APP_PORT=$(free_port tcp)
  "$BIN" serve --app "$1" --listen "127.0.0.1:$APP_PORT" >"$WORK/serve-$1.log" 2>&1 &
  PIDS+=($!)
  wait_tcp "$APP_PORT"
}
# start_sip NAME [--no-out] -> sets SIP_PORT, SIP_PID; logs and reports under $WORK/NAME
start_sip() {
  SIP_PORT=$(free_port udp)
  mkdir -p "$WORK/$1"
  local out=(--out "$WORK/$1/out")
  [ "${2:-}" = --no-out ] && out=()
  "$BIN" sip "http://127.0.0.1:$APP_PORT" --listen "127.0.0.1:$SIP_PORT" "${out[@]}" \
    >"$WORK/$1/sip.out" 2>"$WORK/$1/sip.log" &
  SIP_PID=$!
  PIDS+=($SIP_PID)
  for _ in $(seq 50); do grep -q listening "$WORK/$1/sip.out" 2>/dev/null && return 0; sleep 0.1; done
  echo "sip.sh: fcstream sip did not start"; cat "$WORK/$1/sip.log"; return 1
}
# baresip_dir NAME WAV -> a baresip config dir with its ctrl port in $CTRL_PORT
baresip_dir() {
  local d=$WORK/$1/bs
  mkdir -p "$d/dump"
  CTRL_PORT=$(free_port tcp)
  cp "$2" "$d/mic.wav"
  sed -e "s/@SIP_PORT@/$(free_port udp)/" -e "s/@CTRL_PORT@/$CTRL_PORT/" "$HERE/baresip/config" >"$d/config"
  cp "$HERE/baresip/accounts" "$d/accounts"
}
run_baresip() { # run_baresip NAME ARGS... (of baresip_ctl.py) -> $WORK/NAME/ctl.json
  local d=$WORK/$1/bs; shift
  (cd "$d" && exec baresip -f . -t 60 >"$d/baresip.log" 2>&1) &
  local bpid=$!
  PIDS+=($bpid)
  python3 "$HERE/baresip_ctl.py" --ctrl "$CTRL_PORT" --uri "sip:app@127.0.0.1:$SIP_PORT" "$@" \
    >"$d/../ctl.json" || true
  kill "$bpid" 2>/dev/null || true
  cat "$d/../ctl.json"
}
# The report directory of the only call under NAME (waits for it to be written).
report_dir() {
  for _ in $(seq 100); do
    local s
    s=$(ls "$WORK/$1"/out/*/summary.json 2>/dev/null | head -1)
    [ -n "$s" ] && { dirname "$s"; return 0; }
    sleep 0.1
  done
  echo "$WORK/$1/out/none"
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }

python3 "$HERE/gen_wav.py" "$WORK/voice30.wav" 30

echo "== 1. baresip -> fcstream sip -> echo"
start_app echo
start_sip echo
baresip_dir echo "$WORK/voice30.wav"
run_baresip echo --hangup-after 5 --timeout 20
R=$(report_dir echo)
check "baresip call established and hung up by baresip" \
  test "$(json "$WORK/echo/ctl.json" "d['established'] and d['closed_by']")" = local
DEC=$(ls "$WORK"/echo/bs/dump/*-dec.wav | head -1)
ENC=$(ls "$WORK"/echo/bs/dump/*-enc.wav | head -1)
echo "what baresip heard vs what it sent: $("$PY" "$HERE/correlate.py" "$ENC" "$DEC" --min 0 | tr '\n' ' ')"
check "echo: what baresip heard carries its WAV back (correlation >= 0.9)" "$PY" "$HERE/correlate.py" "$ENC" "$DEC" --min 0.9
check "baresip's hang-up ends the stream with CALLER_DISCONNECT" \
  test "$(json "$R/summary.json" "d['end_reason']")" = CALLER_DISCONNECT
check "the call's report: heard.wav caller.wav timeline.jsonl" \
  test -s "$R/heard.wav" -a -s "$R/caller.wav" -a -s "$R/timeline.jsonl"
kill "$SIP_PID"

echo "== 2. baresip -> fcstream sip -> ivr (keys both ways, the app hangs up)"
start_app ivr
start_sip ivr
baresip_dir ivr "$WORK/voice30.wav"
run_baresip ivr --digits 5 --digits-at 3.5 --timeout 40
R=$(report_dir ivr)
check "the app's hang-up ends baresip's call" \
  test "$(json "$WORK/ivr/ctl.json" "d['established'] and d['closed_by']")" = remote
check "baresip's key 5 reaches the app as DTMF" \
  test "$(json "$R/summary.json" "d['dtmf']['from_caller']")" = 5
check "the timeline shows the caller's DTMF" grep -q '"kind":"notify_dtmf_received_start_data"' "$R/timeline.jsonl"
check "the app's PressDTMF reaches baresip as a telephone-event" \
  test "$(json "$WORK/ivr/ctl.json" "d['dtmf_received']")" = 5
check "the stream ended with APPLICATION_DISCONNECT" \
  test "$(json "$R/summary.json" "d['end_reason']")" = APPLICATION_DISCONNECT
kill "$SIP_PID"

echo "== 3. SIPp: 50 concurrent calls with RTP echo"
start_app echo
# No reports here (50 heard.png renders are not what this measures).
start_sip sipp --no-out
python3 "$HERE/ulaw.py" "$WORK/voice30.wav" "$WORK/sipp/caller.ulaw"
SIPP_PORT=$(free_port udp)
set +e
(cd "$WORK/sipp" && timeout 120 sipp "127.0.0.1:$SIP_PORT" -sf "$HERE/uac_echo.xml" -i 127.0.0.1 -p "$SIPP_PORT" \
   -mp "$(( 20000 + RANDOM % 20000 ))" -l 50 -m 50 -r 50 -rp 1000 -timeout 60 -timeout_error -nostdin \
   -trace_stat -trace_err -trace_screen >"$WORK/sipp/sipp.out" 2>&1)
SIPP_RC=$?
set -e
check "SIPp: all 50 calls successful (exit $SIPP_RC)" test "$SIPP_RC" = 0
for _ in $(seq 300); do [ "$(grep -c '^call ' "$WORK/sipp/sip.out")" -ge 50 ] && break; sleep 0.2; done
grep '^call ' "$WORK/sipp/sip.out" | head -3
CALLS=$(grep -c '^call .*caller-hangup (SIP: CallerBye)' "$WORK/sipp/sip.out" || true)
check "fcstream: 50 calls ended by the caller's BYE ($CALLS)" test "$CALLS" = 50
# Per call: >= 140 packets in (SIPp streams 4 s), none lost, late, from a wrong source or over
# the flood bound, and fcstream's packets out within 10 % (at least 10 packets) of its packets
# in. fcstream sends one packet per 20 ms while the call's media runs (the platform's heard
# audio, silence included), so this shows its RTP clock kept up for the whole call on every
# call; the echo app's audio frames (PlayAudioMessages the platform got) within 10 % of the
# packets in show the echo returned the caller's audio. SIPp itself (3.6.1) checks nothing
# it receives.
RTP=$(python3 - "$WORK/sipp/sip.out" <<'PY'
import re, sys
line = re.compile(r"^call .*rtp in (\d+) \(lost (\d+), late (\d+), wrong source (\d+), flood (\d+)\), out (\d+), app audio frames (\d+)")
calls = [tuple(map(int, m.groups())) for m in map(line.match, open(sys.argv[1])) if m]
near = lambda a, b: abs(a - b) <= max(10, b // 10)
ok = [c for c in calls if c[0] >= 140 and c[1:5] == (0, 0, 0, 0) and near(c[5], c[0]) and near(c[6], c[0])]
d = [c[5] - c[0] for c in calls] or [0]
e = [c[6] - c[0] for c in calls] or [0]
i = [c[0] for c in calls] or [0]
print(f"{len(ok)} of {len(calls)} calls pass; packets in {min(i)}-{max(i)}, out minus in {min(d)}..{max(d)}, echoed frames minus in {min(e)}..{max(e)}")
PY
)
echo "fcstream per call: $RTP"
check "fcstream: every call's RTP in (>= 140 packets, none lost or late), RTP out and echoed frames within 10 % of in (${RTP%% *}/50)" \
  test "${RTP%% *}" = 50
kill "$SIP_PID"

echo "== 4. SIPp: a malformed INVITE gets 400 and the service carries on"
start_sip malformed
SIPP_PORT=$(free_port udp)
set +e
(cd "$WORK/malformed" && timeout 30 sipp "127.0.0.1:$SIP_PORT" -sf "$HERE/malformed.xml" -i 127.0.0.1 -p "$SIPP_PORT" \
   -m 1 -timeout 10 -timeout_error -nostdin -trace_msg >"$WORK/malformed/sipp.out" 2>&1)
RC1=$?
cp "$WORK/sipp/caller.ulaw" "$WORK/malformed/"
(cd "$WORK/malformed" && timeout 30 sipp "127.0.0.1:$SIP_PORT" -sf "$HERE/uac_echo.xml" -i 127.0.0.1 -p "$SIPP_PORT" \
   -mp "$(( 20000 + RANDOM % 20000 ))" -m 1 -timeout 20 -timeout_error -nostdin >"$WORK/malformed/sipp2.out" 2>&1)
RC2=$?
set -e
check "malformed INVITE -> 400, then OPTIONS -> 200 (exit $RC1)" test "$RC1" = 0
check "a call after it completes (exit $RC2)" test "$RC2" = 0

if [ "$FAILED" = 0 ]; then echo "sip.sh: all passed"; else echo "sip.sh: FAILED"; exit 1; fi
