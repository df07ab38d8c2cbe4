#!/usr/bin/env bash
# `fcstream conform` against the independent Python echo (tests/interop/echo_server.py, grpcio):
# the echo profile without keys (it does not press them back) and 4 concurrent calls: its
# ThreadPoolExecutor serves 8 streams at once (50 calls stall 42 of them), and up to 3 other
# cases run beside the concurrent one (--jobs 4). Writes the JUnit report to
# target/conform-python.xml, reads it back with junitparser (conform-junit.sh, PYTHON must
# have it) and exits with the suite's status. FCSTREAM_BIN: the fcstream binary (built if unset).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"
"$PY" -c 'import grpc, grpc_tools' 2>/dev/null || {
  echo "conform interop: grpcio and grpcio-tools are needed (see tests/interop/run.sh)"; exit 1; }
source tests/interop/lib.sh

start_server Python "$PY" -u tests/interop/echo_server.py --proto crates/fcstream/proto/freeclimb.proto
mkdir -p target
status=0
"$BIN" conform "$url" --profile echo --no-dtmf \
  --concurrent-calls 4 --echo-latency 1s --junit target/conform-python.xml || status=$?
PYTHON="$PY" bash tests/interop/conform-junit.sh target/conform-python.xml echo "$BIN"
exit "$status"
