#!/usr/bin/env bash
# `make bench`: every Google Benchmark binary under BUILD/bench (median of 5 repetitions), then the
# scripted whole-system benchmarks, each with a time budget so the whole run stays near 10 minutes
# on the 2-core machine. Prints the figures (each section with the load average at its start);
# docs/benchmarks.md records the latest run.
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
section() { echo "== $1  ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg))"; }
for bin in $(find "$build/bench" -maxdepth 2 -type f -executable -name 'bench_*' | sort); do
  section "$(basename "$bin")"
  "$bin" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 2>&1 \
    | grep -E '_median|^Benchmark|^-' || status=1
done
# Whole-system scripts: SCRIPT and the environment that bounds its time.
run() {
  local script=$1; shift
  [ -x "$root/$script" ] || return 0
  section "$script"
  env "$@" "$root/$script" "$build" || status=1
}
run bench/http/run.sh
# Three rates for 10 s per target and a 20 s hold of the best (its defaults: four rates, a 60 s hold).
run bench/sip/load.sh RATES="${SIP_LOAD_RATES:-1000 2000 3000}" DURATION="${SIP_LOAD_DURATION:-10}" HOLD="${SIP_LOAD_HOLD:-20}"
run bench/media/load.sh MEDIA_LOAD_STEPS="${MEDIA_LOAD_STEPS:-250 500 750 1000 1250 1500}"
run bench/media/sip_load.py
run bench/outbound/outbound_load.py
run bench/voice/accuracy.sh
# Turn latency through one real SIP call (20 turns instead of the published 50), then the ramp of
# concurrent conversations within its own 170 s budget.
run bench/voice/call_latency.py VOICE_CALL_TURNS="${VOICE_CALL_TURNS:-20}"
run bench/voice/concurrency.py
exit $status
