#!/usr/bin/env bash
# Installs every Debian package Parley needs to build, run, test and benchmark. Idempotent:
# it only calls apt-get when something is missing, and runs `apt-get update` at most once.
set -euo pipefail

build=(build-essential cmake ninja-build ccache pkg-config git)
libs=(
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libspdlog-dev libcli11-dev libtomlplusplus-dev
  libopus-dev libspeexdsp-dev libspandsp-dev libbcg729-dev libsrtp2-dev
  libwebrtc-audio-processing-dev libsndfile1-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us libespeak-ng-dev flite1-dev
  libphonenumber8 libprotobuf-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
peers=(
  sip-tester baresip baresip-core kamailio postgresql sqlite3 sox espeak-ng flite
  chromium wrk curl iproute2 util-linux python3 python3-yaml python3-pytest python3-numpy python3-websockets tzdata
  procps openssl
)
bench_only=(libosip2-dev libsofia-sip-ua-dev)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

missing=()
for p in "${build[@]}" "${libs[@]}" "${peers[@]}" "${bench_only[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js may come from another build that bundles npm (and conflicts with Debian's npm package):
# only ask Debian for it when the command is absent.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${#missing[@]} package(s): ${missing[*]}"
  # Another apt run (a second build, unattended upgrades) may hold the lock: wait for it.
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# libphonenumber-dev depends on the unversioned libboost-thread-dev (Boost 1.74), which Debian 12 will
# not install beside libboost1.81-dev. Its headers only need Boost when I18N_PHONENUMBERS_USE_BOOST is
# defined (we never define it), so take the headers from Debian's own .deb and link the runtime
# library libphonenumber8 installed above.
pn_prefix=/usr/local/lib/parley-deps/libphonenumber
if [ ! -f "$pn_prefix/include/phonenumbers/phonenumberutil.h" ]; then
  echo "deps: unpacking libphonenumber headers into $pn_prefix"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download libphonenumber-dev >/dev/null 2>&1 || { "${sudo_cmd[@]}" apt-get update -qq && apt-get download libphonenumber-dev >/dev/null; })
  dpkg-deb -x "$tmp"/libphonenumber-dev_*.deb "$tmp/x"
  "${sudo_cmd[@]}" mkdir -p "$pn_prefix"
  "${sudo_cmd[@]}" rm -rf "$pn_prefix/include"
  "${sudo_cmd[@]}" cp -a "$tmp/x/usr/include" "$pn_prefix/include"
  rm -rf "$tmp"
fi
echo "deps: all present"
