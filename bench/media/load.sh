#!/usr/bin/env bash
# Media load: how many concurrent G.711 echo calls with stereo recording this machine carries with
# <1% packet loss (both ways) and a mean jitter-buffer delay under 60 ms. Ramps the call count up,
# one run per step (2 s warm-up + 8 s measured), and stops at the first step that fails or when the
# time budget (150 s) is spent. Run by `make bench` (scripts/run_bench.sh BUILD_DIR).
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
bin="$build/bench/media/media_echo_load"
[ -x "$bin" ] || { echo "media load: $bin not built"; exit 1; }
contexts=${MEDIA_LOAD_CONTEXTS:-$(nproc)}
steps=${MEDIA_LOAD_STEPS:-"100 200 400 600 800 1000 1200"}
budget=150
dir=$(mktemp -d "${TMPDIR:-/tmp}/parley_media_load.XXXXXX")
trap 'rm -rf "$dir"' EXIT
ulimit -n 65536 2>/dev/null || true
started=$(date +%s)
best=0
for calls in $steps; do
  left=$((budget - ($(date +%s) - started)))
  [ $left -gt 25 ] || { echo "media load: time budget spent"; break; }
  mkdir -p "$dir/rec"
  line=$(timeout $((left < 60 ? left : 60)) "$bin" --calls "$calls" --contexts "$contexts" --seconds 8 --warmup 2 \
         --record-dir "$dir/rec" 2>&1 | tail -1)
  rc=$?
  rm -rf "$dir/rec"
  echo "$line"
  [ $rc -eq 0 ] && [[ "$line" == *"pass=1"* ]] || break
  best=$calls
done
echo "media load: ${best} concurrent G.711 echo calls with recording on $(nproc) cores ($contexts I/O contexts) at <1% loss and <60 ms jitter-buffer delay"
[ "$best" -gt 0 ]
