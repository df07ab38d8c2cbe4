#!/bin/bash
# pair.sh CPC MODE...: fcstream serve --app echo pinned to core 1, fcstream load 200 calls x 20 s pinned to core 0
cd /work/main; B=target/release; cpc=$1; shift
for mode in "$@"; do
  port=$((50800 + RANDOM % 100))
  if [ $mode = tls ]; then
    RUST_LOG=warn taskset -c 1 $B/fcstream serve --app echo --listen 127.0.0.1:$port --tls-cert /tmp/tlsbench/cert.pem --tls-key /tmp/tlsbench/key.pem > /tmp/tlsbench/$mode.server.log 2>&1 &
    url=https://127.0.0.1:$port; extra="--ca-cert /tmp/tlsbench/ca.pem --tls-domain localhost"
  else
    RUST_LOG=warn taskset -c 1 $B/fcstream serve --app echo --listen 127.0.0.1:$port > /tmp/tlsbench/$mode.server.log 2>&1 &
    url=http://127.0.0.1:$port; extra=""
  fi
  pid=$!; sleep 1
  n=$(ls /tmp/tlsbench/runs 2>/dev/null | wc -l); mkdir -p /tmp/tlsbench/runs; out=/tmp/tlsbench/runs/$n-$mode-cpc$cpc.json
  taskset -c 0 $B/fcstream load $url $extra --calls 200 --duration 20s --calls-per-connection $cpc --server-pid $pid --json > $out 2>/tmp/tlsbench/$mode.load.log
  kill $pid; wait $pid 2>/dev/null
  echo "$mode cpc=$cpc load=$(cut -d' ' -f1 /proc/loadavg) $(jq -c '{verdict, ok: .calls.ok, lost: .frames.lost, p50: .latency_ms.p50, p99: .latency_ms.p99, srv_cpu: .server.cpu_pct, srv_per1000: .server.cpu_pct_per_1000_calls, rss_call: .server.rss_per_call_kib, gen_cpu: .generator.cpu_pct, gen_us: .generator.cpu_us_per_call_s, late99: .generator.lateness_ms.p99}' $out)"
done
