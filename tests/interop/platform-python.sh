#!/usr/bin/env bash
# An independent platform (tests/interop/python_platform.py: grpcio and protobuf's own encoder)
# calls `fcstream serve --app echo`: the server's hand-written codec (server::wire) against
# messages another protobuf implementation wrote, a frame with its fields reversed and one with
# an unknown field among them. PYTHON must have grpcio and grpcio-tools. FCSTREAM_BIN: the
# fcstream binary (built if unset).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"
"$PY" -c 'import grpc, grpc_tools' 2>/dev/null || {
  echo "platform interop: grpcio and grpcio-tools are needed (see tests/interop/requirements.txt)"; exit 1; }
source tests/interop/lib.sh

"$BIN" serve --app echo --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server_pid=$!
addr=""
for _ in $(seq 1 300); do
  addr="$(grep -o 'fcstream listening addr=[0-9.:]*' "$work/serve.log" | head -1 | cut -d= -f2 || true)"
  [ -n "$addr" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "fcstream serve did not start:"; cat "$work/serve.log"; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "fcstream serve did not report its address"; cat "$work/serve.log"; exit 1; }
status=0
"$PY" -u tests/interop/python_platform.py --proto crates/fcstream/proto/freeclimb.proto --url "$addr" --frames 100 || status=$?
if [ "$status" -ne 0 ]; then echo "--- fcstream serve's log"; cat "$work/serve.log"; fi
exit "$status"
