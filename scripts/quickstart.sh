#!/usr/bin/env bash
# Quick start: install dependencies, build btc, compile the bundled opensnoop tool with it and
# run the tool for a few seconds while this script opens some files.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --target btc btc_runtime_base -j"$(nproc)"
./build/compiler/driver/btc tools/opensnoop.bt -o build/opensnoop
echo "--- running build/opensnoop for 5 seconds ---"
( sleep 1; for i in 1 2 3; do cat /etc/hostname /etc/os-release > /dev/null; sleep 1; done ) &
timeout -s INT 5 ./build/opensnoop || true
wait
