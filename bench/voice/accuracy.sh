#!/usr/bin/env bash
# The embedded recognizer's intent accuracy and WER (voice_accuracy.cpp), then per-turn latency of
# a Conversation at real time for three endpointing settings (voice_turn_latency.cpp); markdown on
# stdout for docs/benchmarks.md. By default a quick pass (one caller voice, 15 turns per setting,
# about 6 minutes); VOICE_BENCH_FULL=1 runs the published figures (three voices, 50 turns: about
# half an hour on two cores).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
if [ "${VOICE_BENCH_FULL:-0}" = 1 ]; then
  "$build/bench/voice/voice_accuracy"
  echo
  "$build/bench/voice/voice_turn_latency" 50
else
  "$build/bench/voice/voice_accuracy" --quick
  echo
  "$build/bench/voice/voice_turn_latency" 15
fi
