#!/usr/bin/env bash
# Installs dependencies, builds everything and runs the whole test suite (unit, golden,
# end-to-end and differential tests). Root is needed for the BPF tests; without it they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBTC_TARGETS="x86_64;aarch64"
cmake --build build -j"$(nproc)"
(cd build && ctest --output-on-failure -j1 "$@")
# The libFuzzer targets, 60 s each from the seed corpus (tests/fuzz; docs/testing.md);
# BTC_FUZZ_SECONDS=0 skips them.
if [ "${BTC_FUZZ_SECONDS:-60}" != 0 ]; then
  ./tests/fuzz/run_fuzz.sh --seconds "${BTC_FUZZ_SECONDS:-60}" --seed 1
fi
