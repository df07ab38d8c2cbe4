#!/usr/bin/env bash
# `fcstream phone` in a real Firefox: Debian's firefox-esr, headless, driven by puppeteer-core
# (npm, pinned in tests/interop/phone/firefox/package-lock.json, installed with `npm ci` and
# PUPPETEER_SKIP_DOWNLOAD: no browser download) over WebDriver BiDi, with Firefox's fake
# microphone (a 1 kHz tone). Against `fcstream serve --app echo`: a µ-law 8 kHz and an L16
# 16 kHz call, each with a mute and the keypad's 5; caller.wav is the tone, heard.wav its echo,
# the page's received audio is heard.wav, the key is DTMF in timeline.jsonl, no console errors
# and no request off loopback (tests/interop/phone/firefox/phone_firefox.js); the arithmetic's
# own unit tests (dsp.test.js) run first.
# Needs firefox-esr and pulseaudio (apt-get install --no-install-recommends firefox-esr
# pulseaudio: PulseAudio's null sink is the sound card), node 18+ and npm.
# Env: FCSTREAM_BIN (default target/debug/fcstream, built if missing), FIREFOX (default
# /usr/bin/firefox-esr), PHONE_FIREFOX_SCREENSHOT (default target/phone/phone-firefox.png).
# Prints "phone firefox interop: PASS" or fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
export FIREFOX="${FIREFOX:-/usr/bin/firefox-esr}"
[ -x "$FIREFOX" ] || { echo "phone firefox: $FIREFOX is required (apt-get install --no-install-recommends firefox-esr)"; exit 1; }
command -v pulseaudio >/dev/null || { echo "phone firefox: pulseaudio is required (apt-get install --no-install-recommends pulseaudio)"; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "phone firefox: node and npm are needed (Node 18 or later)"; exit 1; }
(cd tests/interop/phone/firefox && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
(cd tests/interop/phone/firefox && node --test --test-reporter=spec)
# lib.sh builds the binary when FCSTREAM_BIN is unset; here it is built only if missing.
export FCSTREAM_BIN="${FCSTREAM_BIN:-target/debug/fcstream}"
[ -x "$FCSTREAM_BIN" ] || cargo build --quiet -p fcstream-cli
source tests/interop/lib.sh
SHOT="${PHONE_FIREFOX_SCREENSHOT:-target/phone/phone-firefox.png}"
mkdir -p "$(dirname "$SHOT")"

# lib.sh's start_server wants --port-file, which `fcstream serve` and `fcstream phone` do not
# take: they print their address. start NAME PATTERN CMD...: runs CMD in the background (log in
# $work/NAME.log, killed on exit) until PATTERN (grep -o) appears in its log; sets `started` to
# the match after its first '=' (or without its leading "open ").
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  cleanup
}
trap stop_all EXIT
started=""
start() {
  local name="$1" pattern="$2" found=""
  shift 2
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  local pid=$!
  for _ in $(seq 1 300); do
    found="$(grep -o "$pattern" "$work/$name.log" | head -1 || true)"
    [ -n "$found" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "$name did not start:"; cat "$work/$name.log"; exit 1; }
    sleep 0.1
  done
  [ -n "$found" ] || { echo "$name did not report its address"; cat "$work/$name.log"; exit 1; }
  found="${found#*=}"
  started="${found#open }"
}

# No sound card here, and Firefox's AudioContext does not run without an audio device: a
# private PulseAudio with a null sink (a real-time clock) in the scratch directory.
mkdir -p "$work/pulse"
start pulse 'Daemon startup complete' env HOME="$work/pulse" XDG_RUNTIME_DIR="$work/pulse" \
  pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no --log-target=stderr --log-level=info \
  --load="module-null-sink sink_name=fcstream_null" \
  --load="module-native-protocol-unix socket=$work/pulse/native auth-anonymous=1"
export PULSE_SERVER="unix:$work/pulse/native"

start echo 'fcstream listening addr=[0-9.:]*' "$BIN" serve --app echo --listen 127.0.0.1:0
echo_addr="$started"
# A deep caller buffer for the fidelity checks, as phone.sh has (a loaded machine's headless
# browser delivers its audio in bursts, and a gap the buffer does not cover is a skip).
start phone 'open http://[0-9.:]*/' "$BIN" phone "http://$echo_addr" --listen 127.0.0.1:0 --out "$work/calls" --caller-buffer 400ms
phone_url="$started"
echo "echo app at $echo_addr, its phone at $phone_url (400 ms caller buffer), calls' files in $work/calls"

status=0
node tests/interop/phone/firefox/phone_firefox.js "$phone_url" "$work/calls" --screenshot "$SHOT" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fcstream phone's log (last 20 lines):"; tail -20 "$work/phone.log"; echo "the echo's log (last 10 lines):"; tail -10 "$work/echo.log"
  exit "$status"
fi
echo "phone firefox interop: PASS"
