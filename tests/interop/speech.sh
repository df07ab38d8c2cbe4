#!/usr/bin/env bash
# Interop check for speech: Google's own Python client library (google-cloud-speech) against
# `fcstream stt-serve --engine whisper`, a Flite (else espeak-ng) sentence as 8 kHz µ-law.
# Needs the Whisper model (`fcstream models install tiny.en`) and sox; installs
# google-cloud-speech with pip if missing. Prints "speech interop: PASS" or fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import google.cloud.speech_v1' 2>/dev/null; then
  echo "installing google-cloud-speech with pip"
  "$PY" -m pip install --quiet google-cloud-speech
fi
cargo build --quiet -p fcstream-cli
BIN="${FCSTREAM_BIN:-target/debug/fcstream}"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
text="what are your opening hours"
if command -v flite >/dev/null; then
  flite -voice slt -t "$text" -o "$work/say.wav"
else
  espeak-ng -w "$work/say.wav" "$text"
fi
sox "$work/say.wav" -r 8000 -c 1 -e u-law -t raw "$work/say.ul"
"$BIN" stt-serve --engine whisper --listen 127.0.0.1:0 >"$work/stt.log" 2>&1 &
pid=$!
addr=""
for _ in $(seq 1 300); do
  addr="$(grep -o 'speech service listening addr=[0-9.:]*' "$work/stt.log" | head -1 | cut -d= -f2 || true)"
  [ -n "$addr" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "stt-serve did not start:"; cat "$work/stt.log"; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "stt-serve did not report its address"; cat "$work/stt.log"; exit 1; }
echo "stt-serve (whisper) at $addr"
"$PY" -u tests/interop/google_speech_client.py "$addr" "$work/say.ul" hours
echo "speech interop: PASS"
