#!/usr/bin/env bash
# SIP load benchmark (not part of `make test`): SIPp's built-in uac at fixed call rates against
# sip_test_uas, then against Kamailio (stateful tm proxy) in front of a SIPp UAS, for comparison.
# For each rate it prints successful/failed calls and INVITE->200 response-time percentiles
# (SIPp -trace_rtt), then the highest rate with 0 failed calls for each target. Loopback only.
#
#   bench/sip/load.sh                     # RATES="500 1000 2000 3000" DURATION=30
#   RATES="1000 2000" DURATION=60 BUILD_DIR=build-sipua bench/sip/load.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
UAS_BIN=${UAS_BIN:-$ROOT/$BUILD_DIR/sip_test_uas}
RATES=${RATES:-"500 1000 2000 3000"}
DURATION=${DURATION:-30}
TARGETS=${TARGETS:-"parley kamailio"}
W=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
col() { awk -F';' -v c="$2" 'NR==1{for(i=1;i<=NF;i++)h[$i]=i} END{print $h[c]}' "$1"; }
# Percentiles of column 2 (response time, ms) of a SIPp rtt CSV.
percentiles() {
  awk -F';' 'NR>1 && $2 != "" {print $2}' "$@" | sort -n | awk '{v[NR]=$1} END {
    if (NR == 0) { print "p50=n/a p90=n/a p99=n/a max=n/a"; exit }
    printf "p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n", v[int(NR*0.50)+(NR*0.50>int(NR*0.50))], v[int(NR*0.90)+(NR*0.90>int(NR*0.90))], v[int(NR*0.99)+(NR*0.99>int(NR*0.99))], v[NR] }'
}

# run_rate NAME TARGET_HOSTPORT RATE SCENARIO_ARGS... -> prints one result line, returns 0 when no call failed.
run_rate() {
  local name=$1 target=$2 rate=$3; shift 3
  local dir="$W/$name-$rate"; mkdir -p "$dir"
  local calls=$((rate * DURATION))
  set +e
  (cd "$dir" && timeout $((DURATION + 90)) sipp "$@" "$target" -i 127.0.0.1 -mi 127.0.0.1 -p "$(free_port)" \
      -r "$rate" -m "$calls" -l $((rate * 4)) -timeout $((DURATION + 60))s -timeout_error \
      -trace_stat -stf stat.csv -trace_rtt -rtt_freq 1000 -trace_err > sipp.out 2>&1)
  local rc=$?
  set -e
  local ok failed
  ok=$(col "$dir/stat.csv" 'SuccessfulCall(C)' 2>/dev/null || echo 0)
  failed=$(col "$dir/stat.csv" 'FailedCall(C)' 2>/dev/null || echo "?")
  echo "target=$name rate=${rate}cps duration=${DURATION}s calls=$calls successful=$ok failed=$failed rc=$rc $(percentiles "$dir"/*_rtt.csv)"
  [[ $rc -eq 0 && "$failed" == "0" && "$ok" == "$calls" ]]
}

bench_parley() {
  local best=0
  for rate in $RATES; do
    local out="$W/uas-$rate.out"
    "$UAS_BIN" --listen 127.0.0.1:0 --log-level error > "$out" 2>&1 & local pid=$!; PIDS+=("$pid")
    for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
    local port; port=$(sed -n 's/listening udp=\([0-9]*\).*/\1/p' "$out")
    if run_rate parley "127.0.0.1:$port" "$rate" -sn uac; then best=$rate; fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  echo "RESULT target=parley highest_rate_with_0_failed=${best}cps"
}

bench_kamailio() {
  local best=0
  # SIPp's built-in uac sends ACK/BYE without the route set; record and use it (notes §5).
  { sipp -sd uac || true; } | sed -e 's/<recv response="200" rtd="true">/<recv response="200" rtd="true" rrs="true">/' \
    -e 's/^\( *\)ACK sip:\[service\]@\[remote_ip\]:\[remote_port\] SIP\/2.0/\1ACK [next_url] SIP\/2.0\n\1[routes]/' \
    -e 's/^\( *\)BYE sip:\[service\]@\[remote_ip\]:\[remote_port\] SIP\/2.0/\1BYE [next_url] SIP\/2.0\n\1[routes]/' > "$W/uac_rr.xml"
  for rate in $RATES; do
    local uas_port kam_port kw="$W/kam-$rate"; mkdir -p "$kw/run"
    uas_port=$(free_port); kam_port=$(free_port)
    sipp -sn uas -i 127.0.0.1 -mi 127.0.0.1 -p "$uas_port" > "$kw/uas.out" 2>&1 & PIDS+=("$!"); local upid=$!
    printf '1 sip:127.0.0.1:%s 0 0\n' "$uas_port" > "$kw/dispatcher.list"
    sed -e "s#@W@#$kw#g" -e "s#@PORT@#$kam_port#g" "$ROOT/bench/sip/kamailio.cfg" > "$kw/kamailio.cfg"
    kamailio -m 1024 -M 32 -f "$kw/kamailio.cfg" -P "$kw/run/kamailio.pid" -Y "$kw/run" -DD -E > "$kw/kam.log" 2>&1 & local kpid=$!; PIDS+=("$kpid")
    sleep 2
    if run_rate kamailio "127.0.0.1:$kam_port" "$rate" -sf "$W/uac_rr.xml"; then best=$rate; fi
    kill "$kpid" "$upid"; wait "$kpid" "$upid" 2>/dev/null || true
  done
  echo "RESULT target=kamailio(tm)+sipp_uas highest_rate_with_0_failed=${best}cps"
}

[[ -x "$UAS_BIN" ]] || { echo "build sip_test_uas first ($UAS_BIN)"; exit 2; }
echo "# $(nproc) cores, $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1), rates: $RATES cps, ${DURATION}s each; scratch: $W"
for t in $TARGETS; do "bench_$t"; done
