#!/usr/bin/env bash
# Installs whatever Debian 12 packages drdaplex needs and are missing, then
# configures and builds the project in build/. Idempotent: a second run only
# rebuilds what changed. Sourced by demo.sh and test.sh; runnable on its own.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libsqlite3-dev sqlite3 libfmt-dev libspdlog-dev libcli11-dev nlohmann-json3-dev
  libcrypt-dev libsodium-dev libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  default-jdk-headless libderbyclient-java derby-tools libderby-java
  tshark
  haproxy
  gnuplot-nox
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer once, quietly.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build=${DRDAPLEX_BUILD_DIR:-$top/build}
jobs=${DRDAPLEX_JOBS:-$(nproc)}
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$jobs"
