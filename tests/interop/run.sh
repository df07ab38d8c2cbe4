#!/usr/bin/env bash
# Interop check: `fcstream call` (the emulator) against an independent echo server written in
# Python with grpcio, its stubs generated at run time from crates/fcstream/proto/freeclimb.proto.
# Installs grpcio/grpcio-tools with pip if missing; builds the fcstream binary (unless
# FCSTREAM_BIN); runs two calls
# (µ-law 8 kHz and l16 16 kHz) and checks their summaries. Prints "interop: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"

if ! "$PY" -c 'import grpc, grpc_tools' 2>/dev/null; then
  echo "installing grpcio and grpcio-tools with pip"
  "$PY" -m pip install --quiet grpcio grpcio-tools \
    || "$PY" -m pip install --quiet --user grpcio grpcio-tools \
    || "$PY" -m pip install --quiet --break-system-packages grpcio grpcio-tools
fi

source tests/interop/lib.sh
start_server Python "$PY" -u tests/interop/echo_server.py --proto crates/fcstream/proto/freeclimb.proto
echo "python echo server at $url"

passed=0
failed=0
for ct in "audio/mulaw;rate=8000" "audio/l16;rate=16000"; do
  name="$(echo "$ct" | tr -c 'a-z0-9\n' '_')"
  out="$work/$name"
  set +e
  "$BIN" call "$url" --content-type "$ct" --tone 440 --dtmf 5@1s --hangup-after 3s \
    --metadata interop=python --json --out "$out" >"$work/$name.json"
  status=$?
  set -e
  echo "--- $ct: fcstream call exited $status"
  if "$PY" - "$work/$name.json" "$out/heard.wav" "$status" <<'PYCHECK'
import json, math, struct, sys, wave
summary_path, heard_path, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = json.load(open(summary_path))
with wave.open(heard_path) as w:
    frames = w.readframes(w.getnframes())
samples = struct.unpack("<%dh" % (len(frames) // 2), frames)
rms = math.sqrt(sum(x * x for x in samples) / max(1, len(samples)))
checks = {
    "fcstream call exited 0": status == 0,
    "call ended by the caller (CALLER_DISCONNECT)":
        s["outcome"] == "caller-hangup" and s["end_reason"] == "CALLER_DISCONNECT",
    "150 caller frames sent": s["frames_sent"] == 150,
    "frames echoed by the Python app (> 100)": s["frames_received"] > 100,
    "every echoed frame played": s["plays"]["started"] == s["frames_received"],
    "no NotifyErrorMessage": not s["errors"],
    "the caller heard the echo (RMS > 1000)": rms > 1000,
}
for name, ok in checks.items():
    print("  %s %s" % ("ok  " if ok else "FAIL", name))
print("  (frames sent %d, echoed %d, heard RMS %.0f, app stream %s)"
      % (s["frames_sent"], s["frames_received"], rms, s["app_stream"]))
sys.exit(0 if all(checks.values()) else 1)
PYCHECK
  then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

echo "--- Python server log:"
cat "$work/server.log"
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
