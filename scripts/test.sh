#!/usr/bin/env bash
# Installs dependencies, builds everything and runs the whole test suite (unit, golden,
# end-to-end and differential tests). Root is needed for the BPF tests; without it they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure -j1 "$@"
