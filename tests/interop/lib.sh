# Sourced by the interop scripts (run.sh, conform.sh, conform-node.sh, which judge an
# independent echo server, and platform-python.sh): the fcstream binary, a scratch directory
# and the server's process, both cleaned up on exit, and the server started in the background
# until it reports its port.

# BIN: $FCSTREAM_BIN, or target/debug/fcstream built now.
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

# start_server NAME COMMAND...: runs COMMAND (given `--port-file $work/port`, where it writes
# the port it listens on) in the background, its output in $work/server.log, and waits up to
# 30 s for the port; sets server_pid and url. NAME is for the error messages.
start_server() {
  local name="$1"
  shift
  "$@" --port-file "$work/port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$work/port" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "the $name server did not start:"; cat "$work/server.log"; exit 1
    fi
    sleep 0.1
  done
  [ -s "$work/port" ] || { echo "the $name server did not report its port"; cat "$work/server.log"; exit 1; }
  url="http://127.0.0.1:$(cat "$work/port")"
}
