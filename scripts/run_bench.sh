#!/usr/bin/env bash
# `make bench`: every Google Benchmark binary under BUILD/bench (median of 5 repetitions), then the
# scripted whole-system benchmarks. Prints the figures; docs/benchmarks.md records the latest run.
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
for bin in $(find "$build/bench" -maxdepth 2 -type f -executable -name 'bench_*' | sort); do
  echo "== $(basename "$bin")"
  "$bin" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 2>&1 \
    | grep -E '_median|^Benchmark|^-' || status=1
done
for script in "$root"/bench/http/run.sh "$root"/bench/sip/load.sh "$root"/bench/media/load.sh "$root"/bench/voice/accuracy.sh; do
  [ -x "$script" ] || continue
  echo "== ${script#$root/}"
  "$script" "$build" || status=1
done
exit $status
