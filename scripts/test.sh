#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (packages, build) and runs the whole test
# suite: the codec fuzzer for a bounded time (clang, libFuzzer), then every
# GoogleTest, Derby JDBC, ij and tshark test through ctest.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The fuzzer needs clang's libFuzzer; it builds only the codec, in its own tree.
"$top/scripts/setup.sh"
fuzz_build=$top/build-fuzz
CC=clang CXX=clang++ cmake -S "$top" -B "$fuzz_build" -G Ninja -DDRDAPLEX_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$fuzz_build" -j "$(nproc)" --target drda_request_fuzz
"$top/scripts/setup.sh" -DDRDAPLEX_FUZZER_BINARY="$fuzz_build/drda/fuzz/drda_request_fuzz"

cd "$top/build"
ctest --output-on-failure -j "${DRDAPLEX_TEST_JOBS:-2}" --timeout 600
