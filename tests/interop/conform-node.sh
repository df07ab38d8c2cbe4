#!/usr/bin/env bash
# `fcstream conform` against the independent Node.js echo (tests/interop/node/echo_server.js,
# @grpc/grpc-js + @grpc/proto-loader, installed with `npm ci` from the committed
# package-lock.json): the echo profile with keys (it presses them back) and the default 50
# concurrent calls. Writes the JUnit report to target/conform-node.xml, reads it back with
# junitparser (conform-junit.sh) and exits with the suite's status.
# PYTHON: an interpreter with junitparser; FCSTREAM_BIN: the fcstream binary (built if unset).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "conform node: node and npm are needed (Node 18 or later)"; exit 1; }
(cd tests/interop/node && npm ci --no-audit --no-fund --loglevel=error)
if [ -z "${FCSTREAM_BIN:-}" ]; then
  cargo build --quiet -p fcstream-cli
fi
BIN="${FCSTREAM_BIN:-target/debug/fcstream}"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

node tests/interop/node/echo_server.js --proto crates/fcstream/proto/freeclimb.proto \
  --port-file "$work/port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the Node server did not start:"; cat "$work/server.log"; exit 1; }
  sleep 0.1
done
[ -s "$work/port" ] || { echo "the Node server did not report its port"; exit 1; }
mkdir -p target
status=0
"$BIN" conform "http://127.0.0.1:$(cat "$work/port")" --profile echo \
  --echo-latency 1s --junit target/conform-node.xml || status=$?
bash tests/interop/conform-junit.sh target/conform-node.xml echo "$BIN"
if [ "$status" -ne 0 ]; then
  echo "the Node server's log (last 20 lines):"; tail -20 "$work/server.log"
fi
exit "$status"
