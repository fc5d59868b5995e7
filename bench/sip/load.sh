#!/usr/bin/env bash
# SIP load benchmark (issue 3 "Done when" (b); not part of `make test`): SIPp's built-in uac
# (INVITE-200-ACK-BYE, no media) at fixed call rates against the real `parley serve` (a trunk by
# IP, a number linked to an agent: every call is routed, answered, recorded as a session and ended),
# then Kamailio as a stateful (tm) proxy in front of a SIPp UAS at the same rates, for comparison.
# For each rate it prints successful/failed calls, INVITE->200 response-time percentiles (SIPp
# -trace_rtt) and the sessions the daemon recorded, then the highest rate held with 0 failures.
# Loopback only; a fresh data directory per daemon run.
#
#   bench/sip/load.sh [BUILD_DIR]          # RATES="100 1000 2000 3000" DURATION=10, then HOLD=60 s at the best
#   RATES="1000 2000" DURATION=60 HOLD=0 TARGETS=parley bench/sip/load.sh build
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-${BUILD_DIR:-$ROOT/build}}" && pwd)
PARLEY_BIN=${PARLEY_BIN:-$BUILD/parley}
RATES=${RATES:-"100 1000 2000 3000"}
DURATION=${DURATION:-10}
HOLD=${HOLD:-60}  # the highest rate with 0 failures, run again for this long (0: skip)
TARGETS=${TARGETS:-"parley kamailio"}
# What answers each call: "echo" (the media test mode: RTP session, no voice agent; the signalling
# figure the issue asks for, SIPp's uac sends no media) or "none" (the agent's whole voice pipeline,
# greeting synthesis and noise suppression included, on every call).
MEDIA_MODE=${MEDIA_MODE:-echo}
DID=+18005550100
KEY=pk_bench_key_0123456789abcdefghij
W=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [[ $KEEP == 1 ]] || rm -rf "$W"; }
trap cleanup EXIT
KEEP=${KEEP:-0}

# A port free for both UDP and TCP on 127.0.0.1 (SIP listens on both; HTTP on TCP).
free_port() {
  /usr/bin/python3 -c '
import socket
for _ in range(100):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        t.close(); u.close()'
}
col() { awk -F';' -v c="$2" 'NR==1{for(i=1;i<=NF;i++)h[$i]=i} END{print $h[c]}' "$1"; }
# Percentiles of column 2 (response time, ms) of SIPp rtt CSVs.
percentiles() {
  awk -F';' 'NR>1 && $2 != "" {print $2}' "$@" 2>/dev/null | sort -n | awk '{v[NR]=$1} END {
    if (NR == 0) { print "p50=n/a p90=n/a p99=n/a max=n/a"; exit }
    printf "p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n", v[int(NR*0.50)+(NR*0.50>int(NR*0.50))], v[int(NR*0.90)+(NR*0.90>int(NR*0.90))], v[int(NR*0.99)+(NR*0.99>int(NR*0.99))], v[NR] }'
}

# run_rate NAME TARGET_HOSTPORT RATE SECONDS SCENARIO_ARGS... -> prints one result line, returns 0 when no call failed.
run_rate() {
  local name=$1 target=$2 rate=$3 secs=$4; shift 4
  local dir="$W/$name-$rate-$secs"; mkdir -p "$dir"
  local calls=$((rate * secs))
  set +e
  (cd "$dir" && timeout $((secs + 90)) sipp "$@" "$target" -i 127.0.0.1 -mi 127.0.0.1 -mp "$(free_port)" -p "$(free_port)" \
      -r "$rate" -m "$calls" -l $((rate * 4 + 100)) -timeout $((secs + 60))s -timeout_error \
      -trace_stat -stf stat.csv -trace_rtt -rtt_freq 100 -trace_err -nostdin > sipp.out 2>&1)
  local rc=$?
  set -e
  local ok failed
  ok=$(col "$dir/stat.csv" 'SuccessfulCall(C)' 2>/dev/null || echo 0)
  failed=$(col "$dir/stat.csv" 'FailedCall(C)' 2>/dev/null || echo "?")
  LAST="target=$name rate=${rate}cps duration=${secs}s calls=$calls successful=$ok failed=$failed rc=$rc $(percentiles "$dir"/*_rtt.csv) load=$(cut -d' ' -f1 /proc/loadavg)"
  [[ $rc -eq 0 && "$failed" == "0" && "$ok" == "$calls" ]]
}

# A daemon with a fresh data dir: a trunk admitting 127.0.0.1, an agent, the number linked to it.
# RTP ports are allocated per call: the whole unprivileged range, so ports are never what runs out.
start_parley() {
  local dir=$1
  mkdir -p "$dir"
  HTTP_PORT=$(free_port); SIP_PORT=$(free_port)
  PARLEY_HTTP_LISTEN=127.0.0.1:$HTTP_PORT PARLEY_SIP_LISTEN=127.0.0.1:$SIP_PORT PARLEY_PUBLIC_IP=127.0.0.1 \
    PARLEY_DATA_DIR=$dir PARLEY_BOOTSTRAP_API_KEY=$KEY PARLEY_LOG_LEVEL=${PARLEY_LOG_LEVEL:-warn} \
    PARLEY_RTP_PORT_MIN=10000 PARLEY_RTP_PORT_MAX=60000 PARLEY_RATE_LIST_SESSIONS_PER_MIN=100000 \
    PARLEY_MEDIA_TEST_MODE=$MEDIA_MODE "$PARLEY_BIN" serve > "$dir/out.log" 2> "$dir/err.log" &
  PARLEY_PID=$!; PIDS+=("$PARLEY_PID")
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null && break; sleep 0.05; done
  curl -sf "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null || { echo "parley did not start: $(tail -2 "$dir/err.log")"; return 1; }
  api() { curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "$@"; }
  local agent
  agent=$(api -X POST "http://127.0.0.1:$HTTP_PORT/voice/agents" -d '{"name":"bench","voice":{"max_duration":600}}' |
    /usr/bin/python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  api -X POST "http://127.0.0.1:$HTTP_PORT/voice/phone-numbers" \
    -d "{\"phone_number\":\"$DID\",\"provider\":\"sip\",\"agent_id\":\"$agent\"}" > /dev/null
  api -X POST "http://127.0.0.1:$HTTP_PORT/voice/sip/providers" \
    -d '{"name":"bench","kind":"generic","host":"127.0.0.1","inbound":{"allowed_ips":["127.0.0.1/32"]}}' > /dev/null
}

stop_parley() { kill "$PARLEY_PID" 2>/dev/null || true; wait "$PARLEY_PID" 2>/dev/null || true; }

sessions_total() {
  curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$HTTP_PORT/voice/sessions?status=$1&limit=1" |
    /usr/bin/python3 -c 'import json,sys;print(json.load(sys.stdin)["total"])'
}

parley_once() {  # RATE SECONDS
  start_parley "$W/parley-$1-$2" || start_parley "$W/parley-$1-$2-again"
  local ok=0
  if run_rate parley "127.0.0.1:$SIP_PORT" "$1" "$2" -sn uac -s "${DID#+}"; then ok=1; fi
  sleep 2  # the last BYEs' completed writes
  echo "$LAST sessions_completed=$(sessions_total completed) cpu_s=$(ps -o times= -p "$PARLEY_PID" | xargs)"
  stop_parley
  return $((1 - ok))
}

bench_parley() {
  local best=0
  for rate in $RATES; do
    if parley_once "$rate" "$DURATION"; then best=$rate; fi
  done
  if [[ $HOLD -gt 0 && $best -gt 0 ]]; then
    if ! parley_once "$best" "$HOLD"; then echo "# ${best}cps did not hold for ${HOLD}s"; fi
  fi
  echo "RESULT target=parley highest_rate_with_0_failed=${best}cps (held ${HOLD}s: see the last line)"
}

bench_kamailio() {
  local best=0
  # SIPp's built-in uac sends ACK/BYE without the route set; record and use it (notes §5).
  { sipp -sd uac || true; } | sed -e 's/<recv response="200" rtd="true">/<recv response="200" rtd="true" rrs="true">/' \
    -e 's/^\( *\)ACK sip:\[service\]@\[remote_ip\]:\[remote_port\] SIP\/2.0/\1ACK [next_url] SIP\/2.0\n\1[routes]/' \
    -e 's/^\( *\)BYE sip:\[service\]@\[remote_ip\]:\[remote_port\] SIP\/2.0/\1BYE [next_url] SIP\/2.0\n\1[routes]/' > "$W/uac_rr.xml"
  # The UAS answers 200 at once: Kamailio's two workers may forward a 180 and the 200 right behind
  # it out of order, which SIPp's uac takes for an unexpected message.
  { sipp -sd uas || true; } | awk '/<send>/ && !done {skip=1} skip && /<\/send>/ {skip=0; done=1; next} !skip' > "$W/uas_200.xml"
  for rate in $RATES; do
    local uas_port kam_port kw="$W/kam-$rate"; mkdir -p "$kw/run"
    uas_port=$(free_port); kam_port=$(free_port)
    sipp -sf "$W/uas_200.xml" -i 127.0.0.1 -mi 127.0.0.1 -mp "$(free_port)" -p "$uas_port" -nostdin > "$kw/uas.out" 2>&1 &
    local upid=$!; PIDS+=("$upid")
    printf '1 sip:127.0.0.1:%s 0 0\n' "$uas_port" > "$kw/dispatcher.list"
    sed -e "s#@W@#$kw#g" -e "s#@PORT@#$kam_port#g" "$ROOT/bench/sip/kamailio.cfg" > "$kw/kamailio.cfg"
    kamailio -m 1024 -M 32 -f "$kw/kamailio.cfg" -P "$kw/run/kamailio.pid" -Y "$kw/run" -DD -E > "$kw/kam.log" 2>&1 & local kpid=$!; PIDS+=("$kpid")
    sleep 2
    if run_rate kamailio "127.0.0.1:$kam_port" "$rate" "$DURATION" -sf "$W/uac_rr.xml"; then best=$rate; fi
    echo "$LAST"
    kill "$kpid" "$upid"; wait "$kpid" "$upid" 2>/dev/null || true
  done
  echo "RESULT target=kamailio(tm)+sipp_uas highest_rate_with_0_failed=${best}cps"
}

[[ -x "$PARLEY_BIN" ]] || { echo "build parley first ($PARLEY_BIN)"; exit 2; }
echo "# $(nproc) cores, $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1), rates: $RATES cps, ${DURATION}s each; load $(cut -d' ' -f1-3 /proc/loadavg)"
for t in $TARGETS; do "bench_$t"; done
