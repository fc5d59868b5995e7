#!/usr/bin/env bash
# Runs every test suite against the build in $1 and prints one summary line per suite.
# Exits non-zero if any suite fails.
set -uo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$root/$build" && pwd)
logs=$build/test-logs
mkdir -p "$logs"
declare -a summary
status=0

# Unit tests (GoogleTest through CTest) and the layering check.
ctest --test-dir "$build" -L unit -j2 --output-on-failure --timeout 300 > "$logs/unit.log" 2>&1
rc=$?
tail -n 30 "$logs/unit.log" | grep -E 'tests passed|tests failed|Failed|\*\*\*' || true
line=$(grep -E '^[0-9]+% tests passed' "$logs/unit.log" | tail -1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
failed=$(sed -E 's/.*, ([0-9]+) tests failed.*/\1/' <<<"$line")
[ -n "$total" ] || { total=0; failed=1; }
summary+=("unit: $((total - failed)) passed, $failed failed")
[ $rc -eq 0 ] || { status=1; grep -E -B2 -A30 'Failed|FAILED' "$logs/unit.log" | head -120; }

# Integration tests: the real parley binary driven over HTTP (and, where present, real SIP peers).
export PARLEY_BIN="$build/parley"
export PARLEY_ROOT="$root"
/usr/bin/python3 -m pytest -q -p no:cacheprovider "$root/tests/integration" > "$logs/integration.log" 2>&1
rc=$?
tail -n 40 "$logs/integration.log"
line=$(tail -n 1 "$logs/integration.log")
passed=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
failed=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$line" | awk '{s+=$1} END{print s+0}')
summary+=("integration: $passed passed, $failed failed")
[ $rc -eq 0 ] || status=1

echo
echo "== test summary =="
for s in "${summary[@]}"; do echo "$s"; done
exit $status
