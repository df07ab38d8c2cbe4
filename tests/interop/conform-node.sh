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
source tests/interop/lib.sh

start_server Node node tests/interop/node/echo_server.js --proto crates/fcstream/proto/freeclimb.proto
mkdir -p target
status=0
"$BIN" conform "$url" --profile echo \
  --echo-latency 1s --junit target/conform-node.xml || status=$?
bash tests/interop/conform-junit.sh target/conform-node.xml echo "$BIN"
if [ "$status" -ne 0 ]; then
  echo "the Node server's log (last 20 lines):"; tail -20 "$work/server.log"
fi
exit "$status"
