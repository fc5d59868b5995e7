#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for FUZZ_SECONDS
# (default 60) seeded with the golden SIP messages. Usage: scripts/fuzz.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."

# clang 14 cannot compile libstdc++ 12's <expected> (it lacks P0848 conditionally trivial
# destructors); clang 16 can, once told its concepts support is C++20-complete: libstdc++
# gates <expected> on __cpp_concepts >= 202002L, which clang 16 still reports as 201907L.
if ! command -v clang++-16 >/dev/null || ! ls /usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  sudo_cmd=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  $sudo_cmd apt-get install -y clang-16 libclang-rt-16-dev
fi
CLANG=clang-16
CLANGXX=clang++-16

# The whole tree (libraries included) is instrumented so the fuzzer sees coverage and ASan
# sees every access. tests/CMakeLists.txt adds tests/fuzz only inside PARLEY_BUILD_TESTS,
# so tests stay ON in this configuration; only the fuzz targets are built.
CC=$CLANG CXX=$CLANGXX cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPARLEY_BUILD_FUZZ=ON -DPARLEY_BUILD_TESTS=ON -DPARLEY_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-U__cpp_concepts -D__cpp_concepts=202002L -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_sip_message)
ninja -C build-fuzz -j"${FUZZ_JOBS:-1}" "${targets[@]}"

for target in "${targets[@]}"; do
  corpus="build-fuzz/corpus/$target"
  mkdir -p "$corpus"
  seeds=(tests/golden/sip/rfc4475 tests/golden/sip/corpus)
  echo "== $target for ${FUZZ_SECONDS:-60}s"
  "build-fuzz/tests/fuzz/$target" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 \
    -print_final_stats=1 "$corpus" "${seeds[@]}"
done
