#!/usr/bin/env bash
# The embedded recognizer's intent accuracy and WER (bench/voice/voice_accuracy.cpp); markdown on
# stdout for docs/benchmarks.md. Takes a few minutes on two cores.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
"$build/bench/voice/voice_accuracy" "${@:2}"
