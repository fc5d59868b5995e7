#!/usr/bin/env bash
# The embedded recognizer's intent accuracy and WER (voice_accuracy.cpp), then per-turn latency of
# a Conversation at real time for three endpointing settings (voice_turn_latency.cpp); markdown on
# stdout for docs/benchmarks.md. Takes about half an hour on two cores.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
"$build/bench/voice/voice_accuracy"
echo
"$build/bench/voice/voice_turn_latency" 50
