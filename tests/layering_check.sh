#!/usr/bin/env bash
# Enforces the module dependency rule of docs/architecture.md on #include lines:
# a module may include only itself and the modules its layer allows, and never another module's detail/.
set -u
src=${1:?usage: layering_check.sh SRC_DIR}
declare -A allowed=(
  [core]="core"
  [net]="core net"
  [store]="core store"
  [sip]="core net sip"
  [media]="core net media"
  [voice]="core net media voice"
  [call]="core net store sip media voice call"
  [carriers]="core net store sip media voice carriers"
  [jobs]="core net store sip media voice call carriers jobs"
  [api]="core net store sip media voice call carriers jobs api"
  [app]="core net store sip media voice call carriers jobs api app"
)
bad=0
for module in "${!allowed[@]}"; do
  [ -d "$src/$module" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#include[[:space:]]*"([^"]+)".*/\1/' <<<"${line#*:}")
    target=${inc%%/*}
    [ -d "$src/$target" ] || continue   # not a Parley module header
    if [[ " ${allowed[$module]} " != *" $target "* ]]; then
      echo "layering: $file includes $inc ($module may not depend on $target)"; bad=1
    elif [ "$target" != "$module" ] && [[ "$inc" == */detail/* ]]; then
      echo "layering: $file includes another module's internals: $inc"; bad=1
    fi
  done < <(grep -rHE '^[[:space:]]*#include[[:space:]]*"' "$src/$module" --include='*.hpp' --include='*.cpp')
done
if [ $bad -eq 0 ]; then echo "layering: every #include follows the dependency rule"; fi
exit $bad
