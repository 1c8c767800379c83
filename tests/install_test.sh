#!/usr/bin/env bash
# install_test.sh BUILD_DIR: `cmake --install` into a temporary prefix, then compile a script
# with the installed btc from another directory and check that the tool was written from the
# installed runtime executable (not the build tree's). Runs the tool too when root.
set -euo pipefail
build=$1
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
cd "$work"
"$prefix/bin/btc" -v -e 'BEGIN { printf("installed btc works\n"); exit(); }' -o tool 2> link.log
grep -q "$prefix/lib/btc/btc-runtime" link.log || { echo "FAIL: did not use the installed runtime"; cat link.log; exit 1; }
[ -x tool ] || { echo "FAIL: no tool"; exit 1; }
if [ "$(id -u)" = 0 ] && [ -e /sys/kernel/btf/vmlinux ]; then
  out=$(./tool)
  echo "$out" | grep -q "installed btc works" || { echo "FAIL: tool output: $out"; exit 1; }
else
  echo "SKIP running the tool (needs root and BTF)"
fi
echo "1 passed, 0 failed"
