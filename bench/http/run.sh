#!/usr/bin/env bash
# Whole-system HTTP benchmark: requests/s and latency percentiles of GET /voice/status/{id} and
# GET /voice/sessions?limit=20 over keep-alive connections, with wrk, against a real parley on
# loopback with a fresh data directory (100 scheduled sessions). Usage: bench/http/run.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
secs=${2:-10}
work=$(mktemp -d)
free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port)
key=pk_bench_key_0123456789abcdefghij
export PARLEY_HTTP_LISTEN=127.0.0.1:$port PARLEY_DATA_DIR=$work PARLEY_BOOTSTRAP_API_KEY=$key
# SIP on a free loopback port (the default 0.0.0.0:5060 may be taken), RTP clear of the tests' ranges.
export PARLEY_SIP_LISTEN=127.0.0.1:$(free_port) PARLEY_PUBLIC_IP=127.0.0.1 PARLEY_RTP_PORT_MIN=11200 PARLEY_RTP_PORT_MAX=11999
# Access logging stays on (info) by default; the benchmark measures the API, so it logs warnings only.
export PARLEY_LOG_LEVEL=${PARLEY_LOG_LEVEL:-warn}
# Rate limits would stop a load test at 60/min: lift them for this run.
export PARLEY_RATE_STATUS_PER_MIN=100000000 PARLEY_RATE_LIST_SESSIONS_PER_MIN=100000000 PARLEY_RATE_DIAL_PER_MIN=100000
"$build/parley" serve > "$work/out.log" 2> "$work/err.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.05; done

api() { curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
id_of() { /usr/bin/python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }
agent=$(api -X POST "http://127.0.0.1:$port/voice/agents" -d '{"name":"bench"}' | id_of id)
# A dial needs a number with supports_outbound on a trunk that can carry it. The sessions are
# scheduled 300 days ahead, so nothing is ever sent to the trunk (port 9, discard).
trunk=$(api -X POST "http://127.0.0.1:$port/voice/sip/providers" \
  -d '{"name":"bench","kind":"generic","host":"127.0.0.1","port":9,"outbound":{}}' | id_of id)
api -X POST "http://127.0.0.1:$port/voice/phone-numbers" \
  -d "{\"phone_number\":\"+18005551234\",\"provider\":\"sip\",\"supports_outbound\":true,\"sip_provider_id\":\"$trunk\"}" >/dev/null
when=$(date -u -d '+300 days' +%Y-%m-%dT%H:%M:%SZ)
for i in $(seq 100); do
  call=$(api -X POST "http://127.0.0.1:$port/voice/outbound/dial" \
    -d "{\"agent_id\":\"$agent\",\"to_number\":\"+1415555$(printf %04d $i)\",\"from_number\":\"+18005551234\",\"context\":{\"n\":$i},\"scheduled_at\":\"$when\"}" \
    | id_of call_id)
done

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  duration: ${secs}s per run, wrk 1 thread, 32 connections, keep-alive"
for path in "/voice/status/$call" "/voice/sessions?limit=20"; do
  echo "== GET $path"
  wrk -t1 -c32 -d"${secs}s" --latency -H "Authorization: Bearer $key" "http://127.0.0.1:$port$path" \
    | grep -E 'Requests/sec|Latency  |50%|90%|99%|Non-2xx|requests in'
done
